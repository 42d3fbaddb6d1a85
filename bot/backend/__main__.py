"""Run the backend: `python -m bot.backend` (settings from the environment, see settings.py)."""

from __future__ import annotations

import logging
import sys

from aiohttp import web

from bot.backend.main import init_app
from bot.backend.settings import ConfigError, Settings
from bot.backend.web.access_log import RouteAccessLogger


def main() -> None:
    """Serve on BACKEND_HOST:BACKEND_PORT until interrupted."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
        app = init_app(settings)
    except ConfigError as error:
        sys.exit(f"backend: {error}")
    web.run_app(app, host=settings.host, port=settings.port,
                access_log_class=RouteAccessLogger)


if __name__ == "__main__":
    main()

"""Runs the action server (rasa-sdk) with the referral relay alongside it.

Usage: python -m actions.server [--host 127.0.0.1] [--port 5055]

rasa-sdk's own `rasa run actions` would serve the same actions, but has no hook to
start the relay that delivers queued referrals after a restart, before any new action.
The settings (actions/settings.py) are checked before anything starts: a wrong value
stops the server with a message naming the variable.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from rasa_sdk.endpoint import create_app

from actions.caselog.case_file import case_file
from actions.caselog.document_route import add_document_route
from actions.caselog.reminder_delivery import start_reminders
from actions.caselog.staff_route import add_staff_routes
from actions.referrals import referrals
from actions.settings import ConfigError, Settings


def main() -> None:
    """Check the settings, then serve the actions and run the relay until stopped."""
    try:
        settings = Settings.from_env()
        settings.require_server_secrets()
    except ConfigError as error:
        sys.exit(f"actions: configuration error: {error}")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=settings.port)
    parser.add_argument("--host", default=settings.host)
    args = parser.parse_args()
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    app = create_app("actions", cors_origins=None)
    add_document_route(app, settings.document_token, lambda: case_file().documents)
    add_staff_routes(app, settings.staff_log_token, case_file)

    @app.listener("after_server_start")
    async def start_relay(app, loop):  # type: ignore[no-untyped-def]
        relay = referrals().relay
        app.ctx.relay_task = loop.create_task(relay.run()) if relay else None
        app.ctx.reminder_task = start_reminders(case_file().reminders, settings.backend_url,
                                                settings.backend_token,
                                                settings.reminder_interval_seconds,
                                                settings.reminder_retry_seconds)

    @app.listener("before_server_stop")
    async def stop_relay(app, loop):  # type: ignore[no-untyped-def]
        for name in ("relay_task", "reminder_task"):
            task = getattr(app.ctx, name, None)
            if task:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    app.run(args.host, args.port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()

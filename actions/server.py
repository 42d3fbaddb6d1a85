"""Runs the action server (rasa-sdk) with the referral relay alongside it.

Usage: python -m actions.server [--port 5055]

rasa-sdk's own `rasa run actions` would serve the same actions, but has no hook to
start the relay that delivers queued referrals after a restart, before any new action.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

from rasa_sdk.endpoint import create_app

from actions.referrals import referrals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTIONS_PORT", 5055)))
    parser.add_argument("--host", default=os.environ.get("ACTIONS_HOST", "127.0.0.1"))
    args = parser.parse_args()
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    app = create_app("actions", cors_origins=None)

    @app.listener("after_server_start")
    async def start_relay(app, loop):  # type: ignore[no-untyped-def]
        relay = referrals().relay
        app.ctx.relay_task = loop.create_task(relay.run()) if relay else None

    @app.listener("before_server_stop")
    async def stop_relay(app, loop):  # type: ignore[no-untyped-def]
        task = getattr(app.ctx, "relay_task", None)
        if task:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    app.run(args.host, args.port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()

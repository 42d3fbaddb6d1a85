"""`make run`: the whole assistant on a laptop, on embedded defaults; Ctrl-C stops it.

Starts the action server (5055), the Rasa server (5005, REST and socket.io channels,
HTTP API behind a token), the referral backend and staff dashboard (8080) when it is
installed, and the Telegram gateway when TELEGRAM_BOT_TOKEN is set. Data lives in var/.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from bot.tools import stack


async def main() -> int:
    """Starts every service, waits until all are healthy, then runs until Ctrl-C or one stops;
    returns the exit status."""
    env = stack.laptop_env()
    supervisor = stack.Supervisor(env)
    services = [stack.actions_service(env), stack.rasa_service(env)]
    if (stack.ROOT / "bot" / "backend" / "__main__.py").exists():
        services.insert(0, stack.backend_service(env))
    if env.get("TELEGRAM_BOT_TOKEN") and (stack.ROOT / "bot" / "telegram").exists():
        services.append(stack.telegram_service(env))

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        for service in services:
            await supervisor.start(service)
        for service in services:
            await supervisor.wait_healthy(service)
        print(f"\nReady. Talk to the assistant:\n"
              f"  curl -s -XPOST {env['RASA_URL']}/webhooks/rest/webhook "
              f"-H 'Content-Type: application/json' "
              f"-d '{{\"sender\": \"try-1\", \"message\": \"hi\"}}'\n"
              f"The Rasa HTTP API token is in var/secrets.env. Ctrl-C stops everything.\n",
              flush=True)
        exited = asyncio.create_task(supervisor.wait_any_exit())
        stopped = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({exited, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if exited in done:
            print(f"{exited.result().name} stopped unexpectedly; stopping the rest.",
                  file=sys.stderr)
            return 1
        return 0
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        await supervisor.stop()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

"""`python -m bot.telegram` starts the Telegram gateway (see bot/telegram/main.py)."""

from bot.telegram.main import main

main()

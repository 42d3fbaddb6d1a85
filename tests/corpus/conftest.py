"""One cluster for the corpus: the production configuration, plus Rasa's socket.io channel
(deploy/credentials.yml leaves it closed; the laptop's credentials.yml opens it), plus any
service an entry point needs: the Telegram gateway runs in webhook mode against the fake
Bot API of tests/telegram, started first so the gateway can register its webhook there.
The backend's web chat relay keeps its state in Redis (REDIS_URL), as deployed (compose,
Kubernetes), under a prefix of the run's own, removed afterwards."""

from __future__ import annotations

import os
import uuid
from typing import AsyncIterator

import aiohttp
import pytest_asyncio

from bot.bench.production import clear_redis_prefix, running
from bot.tools import stack
from tests.corpus import telegram_client
from tests.corpus.entry_points import ENTRY_POINTS, Context
from tests.telegram.fake_bot_api import FakeBotApi


@pytest_asyncio.fixture(loop_scope="package", scope="package")
async def ctx(tmp_path_factory) -> AsyncIterator[Context]:
    services = {e.name: e.service for e in ENTRY_POINTS.values() if e.service}
    var = tmp_path_factory.mktemp("corpus")
    chat_prefix = f"corpus{uuid.uuid4().hex[:10]}"
    redis = f"{os.environ.get('REDIS_HOST', '127.0.0.1')}:{os.environ.get('REDIS_PORT', '6379')}"
    bot_api = FakeBotApi().start()
    try:
        async with running(var, rasa_count=1,
                           extra={"RASA_CREDENTIALS": str(stack.ROOT / "credentials.yml"),
                                  "REDIS_URL": f"redis://{redis}/0",
                                  "REDIS_PREFIX": f"{chat_prefix}:",
                                  # The staff here sign in with a password alone (a laptop
                                  # may exempt roles); test_mfa.py covers the second factor.
                                  "MFA_ROLES": "admin",
                                  **telegram_client.gateway_env(bot_api, var)},
                           services=services) as cluster:
            async with aiohttp.ClientSession() as http:
                context = Context(cluster, http, bot_api)
                try:
                    yield context
                finally:
                    for value in context.state.values():
                        if hasattr(value, "close"):
                            await value.close()
    finally:
        bot_api.stop()
        clear_redis_prefix(chat_prefix)

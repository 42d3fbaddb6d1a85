"""Settings: required secrets, modes and URLs are checked before anything starts."""

from __future__ import annotations

import base64
import os

import pytest

from bot.telegram.settings import ConfigError, Settings

KEY = base64.urlsafe_b64encode(os.urandom(64)).decode()
BASE = {"TELEGRAM_BOT_TOKEN": "1:abc", "TELEGRAM_ID_KEY": KEY}


def test_laptop_defaults():
    settings = Settings.from_env(BASE)
    assert settings.mode == "polling" and settings.port == 8081
    assert settings.base_url is None and settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.state_path.endswith("var/telegram.db")


@pytest.mark.parametrize("root", ["http://127.0.0.1:8088", "http://127.0.0.1:8088/",
                                  "http://127.0.0.1:8088/bot", "http://127.0.0.1:8088/bot/"])
def test_base_url_accepts_a_server_root_or_a_bot_url(root):
    settings = Settings.from_env({**BASE, "TELEGRAM_BASE_URL": root})
    assert settings.base_url == "http://127.0.0.1:8088/bot"
    assert settings.base_file_url == "http://127.0.0.1:8088/file/bot"


@pytest.mark.parametrize("env, variable", [
    ({"TELEGRAM_ID_KEY": KEY}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": "1:abc"}, "TELEGRAM_ID_KEY"),
    ({**BASE, "TELEGRAM_ID_KEY": "c2hvcnQ"}, "TELEGRAM_ID_KEY"),
    ({**BASE, "TELEGRAM_MODE": "carrier-pigeon"}, "TELEGRAM_MODE"),
    ({**BASE, "TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_SECRET": "s" * 32},
     "TELEGRAM_WEBHOOK_URL"),
    ({**BASE, "TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_URL": "https://x/telegram/webhook"},
     "TELEGRAM_WEBHOOK_SECRET"),
    ({**BASE, "TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_URL": "https://x/telegram/webhook",
      "TELEGRAM_WEBHOOK_SECRET": "has spaces and is long enough"}, "TELEGRAM_WEBHOOK_SECRET"),
    ({**BASE, "TELEGRAM_INTERNAL_TOKEN": "short"}, "TELEGRAM_INTERNAL_TOKEN"),
    ({**BASE, "TELEGRAM_PORT": "http"}, "TELEGRAM_PORT"),
    ({**BASE, "TELEGRAM_PORT": "70000"}, "TELEGRAM_PORT"),
    ({**BASE, "TELEGRAM_BASE_URL": "ftp://x"}, "TELEGRAM_BASE_URL"),
    ({**BASE, "TELEGRAM_RASA_TIMEOUT_SECONDS": "0"}, "^TELEGRAM_RASA_TIMEOUT_SECONDS"),
    ({**BASE, "RASA_TIMEOUT_SECONDS": "0"}, "^RASA_TIMEOUT_SECONDS"),
])
def test_bad_settings_name_the_variable(env, variable):
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env(env)


def test_the_gateway_has_its_own_rasa_timeout_and_reads_the_old_name_until_it_is_set():
    assert Settings.from_env(BASE).rasa_timeout_seconds == 30.0
    assert Settings.from_env({**BASE, "RASA_TIMEOUT_SECONDS": "12"}).rasa_timeout_seconds == 12.0
    both = {**BASE, "RASA_TIMEOUT_SECONDS": "5", "TELEGRAM_RASA_TIMEOUT_SECONDS": "45"}
    assert Settings.from_env(both).rasa_timeout_seconds == 45.0


SECRET = "Vb7-Kq2xNp9_Wm4zRt6Ys1Lc8Hf3Jd5Ge0Ua"


def test_webhook_mode():
    settings = Settings.from_env({**BASE, "TELEGRAM_MODE": "webhook",
                                  "TELEGRAM_WEBHOOK_URL": "https://example.org/telegram/webhook",
                                  "TELEGRAM_WEBHOOK_SECRET": SECRET})
    assert settings.mode == "webhook" and settings.webhook_secret == SECRET


WEBHOOK = {**BASE, "TELEGRAM_MODE": "webhook",
           "TELEGRAM_WEBHOOK_URL": "https://example.org/telegram/webhook"}


@pytest.mark.parametrize("env, message", [
    ({**BASE, "TELEGRAM_BOT_TOKEN": "CHANGE_ME_TELEGRAM_BOT_TOKEN"},
     "^TELEGRAM_BOT_TOKEN still holds a placeholder"),
    ({**WEBHOOK, "TELEGRAM_WEBHOOK_SECRET": "CHANGE_ME_TELEGRAM_WEBHOOK_SECRET"},
     "^TELEGRAM_WEBHOOK_SECRET still holds a placeholder"),
    ({**WEBHOOK, "TELEGRAM_WEBHOOK_SECRET": "A-secret_of-enough-length"},
     "^TELEGRAM_WEBHOOK_SECRET must be at least 32"),
    ({**BASE, "TELEGRAM_INTERNAL_TOKEN": "CHANGE_ME_TELEGRAM_INTERNAL_TOKEN"},
     "^TELEGRAM_INTERNAL_TOKEN still holds a placeholder"),
    ({**BASE, "TELEGRAM_INTERNAL_TOKEN": "0123456789" * 4},
     "^TELEGRAM_INTERNAL_TOKEN is too easy to guess"),
    ({**BASE, "BACKEND_GATEWAY_TOKEN": "CHANGE_ME_BACKEND_GATEWAY_TOKEN_123"},
     "^BACKEND_GATEWAY_TOKEN still holds a placeholder"),
    ({**BASE, "TELEGRAM_ID_KEY": "CHANGE_ME_TELEGRAM_ID_KEY"},
     "^TELEGRAM_ID_KEY still holds a placeholder"),
    ({**BASE, "TELEGRAM_INTERNAL_TOKEN": SECRET, "BACKEND_GATEWAY_TOKEN": SECRET},
     "^BACKEND_GATEWAY_TOKEN has the same value as TELEGRAM_INTERNAL_TOKEN"),
])
def test_placeholder_and_weak_secrets_are_refused_by_name(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_the_gateway_reports_departures_with_its_own_token():
    settings = Settings.from_env({**BASE, "BACKEND_SERVICE_TOKEN": "the action server's",
                                  "BACKEND_GATEWAY_TOKEN": SECRET})
    assert settings.backend_token == SECRET

"""The secret checks every service runs at start: placeholders, empty and guessable values."""

from __future__ import annotations

import base64
import os
import secrets

import pytest

from bot import secret_checks as checks


def test_generated_values_pass_in_every_form_the_project_generates():
    for _ in range(200):
        checks.check_secret("T", secrets.token_urlsafe(32))
        checks.check_secret("T", secrets.token_hex(16))
        checks.check_key_list("K", base64.urlsafe_b64encode(os.urandom(32)).decode())
        checks.check_url_password("U", f"postgresql://u:{secrets.token_urlsafe(18)}@db/x", True)


@pytest.mark.parametrize("value, message", [
    ("", "T is not set"),
    ("   ", "T is not set"),
    ("CHANGE_ME_RASA_TOKEN_0123456789abcdefghijkl", "T still holds a placeholder"),
    ("x" * 40 + "changeme", "T still holds a placeholder"),
    ("short-but-random-Qw8", "T must be at least 32 characters"),
    ("a" * 64, "T is too easy to guess"),
    ("0123456789" * 4, "T is too easy to guess"),
    ("abcdefghijklmnopqrstuvwxyz0123456789", "T is too easy to guess"),
])
def test_weak_values_are_refused_naming_the_variable_never_the_value(value, message):
    with pytest.raises(checks.SecretError, match=f"^{message}") as caught:
        checks.check_secret("T", value)
    assert value.strip() == "" or value not in str(caught.value)


def test_key_lists_are_fernet_keys_each_checked():
    good = base64.urlsafe_b64encode(os.urandom(32)).decode()
    assert checks.check_key_list("K", f" {good} ,") == [good]
    with pytest.raises(checks.SecretError, match=r"^K \(key 2\) is too easy"):
        checks.check_key_list("K", good + "," + base64.urlsafe_b64encode(bytes(32)).decode())
    with pytest.raises(checks.SecretError, match="key 1 is not a Fernet key"):
        checks.check_key_list("K", secrets.token_urlsafe(40))


def test_urls_are_checked_for_their_password_only():
    checks.check_url_password("U", "sqlite:///var/backend.db", required=True)
    checks.check_url_password("U", "redis://127.0.0.1:6379/1", required=False)
    with pytest.raises(checks.SecretError, match="^U has no password"):
        checks.check_url_password("U", "redis://127.0.0.1:6379/1", required=True)
    with pytest.raises(checks.SecretError, match=r"^U \(its password\) still holds"):
        checks.check_url_password("U", "postgresql://a:CHANGE_ME_POSTGRES_PASSWORD@db/b", True)


def test_one_value_for_two_secrets_is_refused():
    token = secrets.token_urlsafe(32)
    with pytest.raises(checks.SecretError, match="^B has the same value as A"):
        checks.check_distinct({"A": token, "C": None, "B": token})

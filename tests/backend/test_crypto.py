"""The vault: encryption round trips, foreign tokens, lookup hashes under several keys."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from bot.backend.storage.crypto import DecryptionError, Vault

from .support import ENCRYPTION_KEY, OLD_ENCRYPTION_KEY


def test_the_vault_round_trips_and_refuses_foreign_tokens() -> None:
    vault = Vault([ENCRYPTION_KEY.encode()])
    token = vault.encrypt("ünïcode and <html>")
    assert token != "ünïcode and <html>"
    assert vault.decrypt(token) == "ünïcode and <html>"
    assert vault.encrypt("same") != vault.encrypt("same"), "tokens are randomised"
    with pytest.raises(DecryptionError):
        Vault([Fernet.generate_key()]).decrypt(token)
    assert vault.lookup_hash("a") == vault.lookup_hash("a") != vault.lookup_hash("b")
    other = Vault([OLD_ENCRYPTION_KEY.encode(), ENCRYPTION_KEY.encode()])
    assert other.lookup_hashes("a") == [other.lookup_hash("a"), vault.lookup_hash("a")]

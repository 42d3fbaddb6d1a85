"""Encryption at rest, lookup hashes, and key rotation."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.backend.keys import SESSIONS
from bot.backend.ops.rotate_keys import rotate
from bot.backend.storage.crypto import DecryptionError, Vault

from .support import (
    AUTH,
    ENCRYPTION_KEY,
    OLD_ENCRYPTION_KEY,
    Client,
    Databases,
    MakeClient,
    add_staff,
    ingest_handoff,
    login,
    post_event,
    referral_event,
    submit,
)

pytestmark = pytest.mark.asyncio
CONVERSATION = "plain-conversation-id-1234"
SUMMARY = "My ex shared photos on Instagram"
CONTACT = "+44 7700 900123"
NOTE = "Spoke to her at 6pm; she is safe"


async def _raw(client: Client, sql: str) -> list[str]:
    async with client.app[SESSIONS]() as session:
        return [str(value) for row in await session.execute(text(sql)) for value in row]


async def test_personal_data_is_not_stored_in_plaintext(client: Client) -> None:
    handoff_id = await ingest_handoff(client, CONVERSATION, summary=SUMMARY,
                                      contact_details=CONTACT)
    await add_staff(client.app, "ana@example.org")
    await login(client, "ana@example.org")
    case = f"/staff/cases/{handoff_id}"
    await submit(client, case, f"{case}/claim")
    await submit(client, case, f"{case}/note", {"body": NOTE})
    stored = " ".join([
        *await _raw(client, "SELECT * FROM referrals"),
        *await _raw(client, "SELECT * FROM handoffs"),
        *await _raw(client, "SELECT * FROM notes"),
        *await _raw(client, "SELECT * FROM audit_log"),
        *await _raw(client, "SELECT * FROM ingest_events"),
    ])
    for secret in (CONVERSATION, SUMMARY, CONTACT, NOTE, "weekday evenings"):
        assert secret not in stored
    page = await (await client.get(case)).text()
    for secret in (SUMMARY, CONTACT, NOTE):
        assert secret in page, "staff see the decrypted values"


async def test_rotation_re_encrypts_every_row_under_the_new_key(
    make_client: MakeClient, databases: Databases,
) -> None:
    old = await make_client(BACKEND_ENCRYPTION_KEYS=OLD_ENCRYPTION_KEY)
    handoff_id = await ingest_handoff(old, CONVERSATION, summary=SUMMARY)
    both = Vault([ENCRYPTION_KEY.encode(), OLD_ENCRYPTION_KEY.encode()])
    rewritten = await rotate(old.app[SESSIONS], both)
    assert rewritten["referrals"] == 1
    assert rewritten["handoffs"] == 1

    new_only = Vault([ENCRYPTION_KEY.encode()])
    [summary_token] = await _raw(old, "SELECT summary_enc FROM handoffs")
    assert new_only.decrypt(summary_token) == SUMMARY
    with pytest.raises(DecryptionError):
        Vault([OLD_ENCRYPTION_KEY.encode()]).decrypt(summary_token)

    new = await make_client(BACKEND_ENCRYPTION_KEYS=ENCRYPTION_KEY)
    update = await post_event(new, referral_event(CONVERSATION))
    assert update.status == 200, "the conversation is found by its new lookup hash"
    await add_staff(new.app, "ana@example.org")
    await login(new, "ana@example.org")
    assert SUMMARY in await (await new.get(f"/staff/cases/{handoff_id}")).text()
    erased = await new.delete(f"/api/v1/conversations/{CONVERSATION}", headers=AUTH)
    assert erased.status == 204
    assert await _raw(new, "SELECT id FROM referrals") == []


async def test_both_keys_work_before_rotation(make_client: MakeClient) -> None:
    old = await make_client(BACKEND_ENCRYPTION_KEYS=OLD_ENCRYPTION_KEY)
    first = await post_event(old, referral_event(CONVERSATION))
    mixed = await make_client(BACKEND_ENCRYPTION_KEYS=f"{ENCRYPTION_KEY},{OLD_ENCRYPTION_KEY}")
    second = await post_event(mixed, referral_event(CONVERSATION))
    assert second.status == 200
    assert (await first.json())["referral_id"] == (await second.json())["referral_id"]

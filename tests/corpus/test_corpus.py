"""The bad-input corpus against every entry point; then the stores, checked whole."""

from __future__ import annotations

import pytest

from bot.assistant.guards import valid_sender_id
from bot.bench.production import fetch_all
from bot.tools import stack
from tests.corpus.contract import check
from tests.corpus.entry_points import ENTRY_POINTS, Context
from tests.corpus.inputs import CORPUS

pytestmark = pytest.mark.asyncio(loop_scope="package")

# Failures found by the corpus and reported, until fixed (strict: a fix makes them fail).
# Cases expected to fail, with the reason, until fixed (strict: a fix must remove them).
KNOWN: dict = {}
CASES = [pytest.param(entry, item, id=f"{entry} / {item.name}",
                      marks=[pytest.mark.xfail(reason=KNOWN[entry, item.name], strict=True)]
                      if (entry, item.name) in KNOWN else [])
         for entry in ENTRY_POINTS for item in CORPUS]


@pytest.mark.parametrize("entry,item", CASES)
async def test_bad_input_gets_a_kind_reply_or_a_clean_refusal(ctx: Context, entry, item):
    answer = await ENTRY_POINTS[entry].send(ctx, item)
    if answer is None:
        pytest.skip(f"{item.name} does not apply to the {entry}")
    check(item, answer)


async def test_the_tracker_store_holds_only_well_formed_encrypted_conversations(ctx: Context):
    rows = fetch_all(ctx.cluster.env["TRACKER_DATABASE_URL"],
                     "SELECT sender_id, intent_name, action_name, data FROM events")
    assert rows, "the corpus reached the tracker store"
    assert all(valid_sender_id(sender) for sender, *_ in rows)
    assert "default" not in {sender for sender, *_ in rows}  # Rasa's id for "no sender"
    assert all(intent is None and action is None for _, intent, action, _ in rows)
    markers = [item.marker for item in CORPUS if item.marker]
    assert not [m for m in markers for row in rows if m in row[3]], "a message in clear text"


@pytest.mark.parametrize("table", ["referrals", "handoffs", "notes", "audit_log",
                                   "ingest_events"])
async def test_the_backend_holds_no_corpus_text_in_clear(ctx: Context, table: str):
    dump = "\n".join(row[0] for row in fetch_all(ctx.cluster.env["DATABASE_URL"],
                                                 f"SELECT t::text FROM {table} t"))
    assert not [item.name for item in CORPUS if item.marker and item.marker in dump]


async def test_every_service_is_still_up(ctx: Context):
    for name, service in ctx.cluster.running.items():
        assert service.process and service.process.returncode is None, f"{name} exited"
        assert stack.healthy(service.health_url), f"{name} is not healthy"

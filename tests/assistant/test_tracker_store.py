"""The tracker store encrypts every event, keeps intent names out of clear columns, and
erases a conversation when action_erase_conversation has run. SQLite and PostgreSQL."""

import json

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.assistant.tracker_cipher import TrackerStoreConfigError, cipher_from_env
from bot.assistant.tracker_store import ProtectedSQLTrackerStore

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [report_shared, delete_data]
slots:
  country:
    type: text
    mappings: [{type: custom}]
actions: [action_erase_conversation]
""")
SECRET_TEXT = "my ex posted fake nudes of me"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def key():
    return Fernet.generate_key().decode()


def store_for(url, keys):
    return ProtectedSQLTrackerStore(domain=DOMAIN, host=url, encryption_keys=keys)


def conversation(sender):
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(SECRET_TEXT, {"name": "report_shared", "confidence": 1.0}))
    tracker.update(SlotSet("country", "GB-SCT"))
    return tracker


def raw_rows(url, sender):
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT intent_name, action_name, data FROM events WHERE sender_id = :s"),
            {"s": sender}).fetchall()
    engine.dispose()
    return rows


async def test_round_trip_with_encryption_at_rest(db_url, key):
    store = store_for(db_url, key)
    await store.save(conversation("alice"))
    restored = await store.retrieve("alice")
    assert restored.latest_message.text == SECRET_TEXT
    assert restored.get_slot("country") == "GB-SCT"
    rows = raw_rows(db_url, "alice")
    assert rows and all(r.intent_name is None and r.action_name is None for r in rows)
    assert all(SECRET_TEXT not in r.data and "report_shared" not in r.data for r in rows)


async def test_appends_only_new_events(db_url, key):
    store = store_for(db_url, key)
    tracker = conversation("bob")
    await store.save(tracker)
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    assert len(raw_rows(db_url, "bob")) == len(tracker.events)


async def test_erasure_deletes_every_session(db_url, key):
    store = store_for(db_url, key)
    await store.save(conversation("carol"))
    tracker = await store.retrieve("carol")
    tracker.update(SessionStarted())  # a later session: erasure covers both
    tracker.update(UserUttered("delete my data", {"name": "delete_data", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_erase_conversation"))
    await store.save(tracker)
    assert raw_rows(db_url, "carol") == []
    assert await store.retrieve("carol") is None
    await store.save(conversation("dave"))
    assert raw_rows(db_url, "dave")  # other conversations untouched


async def test_keys_rotate(db_url, key):
    await store_for(db_url, key).save(conversation("erin"))
    new_key = Fernet.generate_key().decode()
    rotated = store_for(db_url, f"{new_key},{key}")
    assert (await rotated.retrieve("erin")).get_slot("country") == "GB-SCT"
    with pytest.raises(InvalidToken):
        await store_for(db_url, new_key).retrieve("erin")  # the old key is needed


async def test_plaintext_rows_from_before_encryption_still_load(tmp_path, key):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = store_for(url, key)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for event in conversation("fay").events:
            conn.execute(sa.text(
                "INSERT INTO events (sender_id, type_name, timestamp, data) "
                "VALUES ('fay', :t, :ts, :d)"),
                {"t": event.type_name, "ts": event.timestamp, "d": json.dumps(event.as_dict())})
    assert (await store.retrieve("fay")).latest_message.text == SECRET_TEXT


def test_encryption_is_mandatory():
    with pytest.raises(TrackerStoreConfigError):
        cipher_from_env("")
    with pytest.raises(TrackerStoreConfigError):
        cipher_from_env("not-a-key")


async def test_cached_tracker_is_used_only_while_the_database_agrees(db_url, key):
    store = store_for(db_url, key)
    other_server = store_for(db_url, key)  # a second Rasa server on the same database
    tracker = conversation("gus")
    await store.save(tracker)
    first = await store.retrieve("gus")
    assert first.latest_message.text == SECRET_TEXT
    first.update(UserUttered("next", {"name": "report_shared", "confidence": 1.0}))
    await store.save(first)
    # The other server handles a message: this server's copy is now stale.
    theirs = await other_server.retrieve("gus")
    theirs.update(UserUttered("from elsewhere", {"name": "report_shared", "confidence": 1.0}))
    await other_server.save(theirs)
    mine = await store.retrieve("gus")
    assert mine.latest_message.text == "from elsewhere"


async def test_erasure_elsewhere_is_never_hidden_by_the_cache(db_url, key):
    store = store_for(db_url, key)
    await store.save(conversation("hal"))
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:  # e.g. the backend's retention purge or erasure
        conn.execute(sa.text("DELETE FROM events WHERE sender_id = 'hal'"))
    engine.dispose()
    assert await store.retrieve("hal") is None


async def test_the_cache_is_bounded(tmp_path, key):
    store = ProtectedSQLTrackerStore(domain=DOMAIN, host=f"sqlite:///{tmp_path / 'c.db'}",
                                     encryption_keys=key, cache_size=3)
    for name in "abcde":
        await store.save(conversation(name))
        tracker = await store.retrieve(name)
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)
    assert list(store._cache) == ["c", "d", "e"]
    assert (await store.retrieve("a")).get_slot("country") == "GB-SCT"  # from the database


def as_dicts(tracker):
    return [event.as_dict() for event in tracker.events]


async def test_events_saved_elsewhere_are_applied_to_the_cached_copy(db_url, key):
    store, other_server = store_for(db_url, key), store_for(db_url, key)
    await store.save(conversation("ida"))
    mine = await store.retrieve("ida")
    mine.update(ActionExecuted("action_listen"))
    await store.save(mine)
    theirs = await other_server.retrieve("ida")
    theirs.update(UserUttered("i live in ireland", {"name": "report_shared", "confidence": 1.0}))
    theirs.update(SlotSet("country", "IE"))
    await other_server.save(theirs)
    again = await store.retrieve("ida")
    assert again is mine, "the copy was brought up to date, not loaded whole"
    assert again.get_slot("country") == "IE"
    assert as_dicts(again) == as_dicts(await store_for(db_url, key).retrieve("ida"))
    again.update(ActionExecuted("action_listen"))  # and it saves only what is new
    await store.save(again)
    assert as_dicts(await store_for(db_url, key).retrieve("ida")) == as_dicts(again)


async def test_a_new_session_elsewhere_is_loaded_whole(db_url, key):
    store, other_server = store_for(db_url, key), store_for(db_url, key)
    await store.save(conversation("jo"))
    mine = await store.retrieve("jo")
    mine.update(ActionExecuted("action_listen"))
    await store.save(mine)
    theirs = await other_server.retrieve("jo")
    theirs.update(ActionExecuted("action_session_start"))
    theirs.update(SessionStarted())
    theirs.update(ActionExecuted("action_listen"))
    await other_server.save(theirs)
    again = await store.retrieve("jo")
    assert again is not mine
    assert as_dicts(again) == as_dicts(await store_for(db_url, key).retrieve("jo"))
    assert again.get_slot("country") is None


@pytest.mark.parametrize("sessions", [0, 1, 2])
async def test_the_fingerprint_counts_what_rasa_loads(db_url, key, sessions):
    store = store_for(db_url, key)
    tracker = DialogueStateTracker("kit", DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    for _ in range(sessions):
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted())
        tracker.update(UserUttered("hi", {"name": "report_shared", "confidence": 1.0}))
    await store.save(tracker)
    with store.session_scope() as session:
        rows = store._event_query(session, "kit", fetch_events_from_all_sessions=False).all()
        assert store._fingerprint(session, "kit") == (
            len(rows), max(r.id for r in rows), max(r.timestamp for r in rows))

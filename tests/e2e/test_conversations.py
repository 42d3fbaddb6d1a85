"""Conversations through the REST webhook of a real Rasa server with the real actions."""

import asyncio
import sqlite3

import aiohttp
import pytest

from tests.support.chat import Chat, joined, payloads


@pytest.fixture
async def chat(servers):
    async with aiohttp.ClientSession() as session:
        yield Chat(session, servers.rasa)


async def test_first_contact(chat):
    replies = await chat.say("hi", channel="widget")
    text = joined(replies)
    assert "not a person" in text and "encrypted" in text
    assert "Shift three times" in text and "Are you safe right now?" in text
    assert "/immediate_danger" in payloads(replies)


async def test_crisis_in_the_middle_of_a_form(chat):
    question = joined(await chat.say("can someone from the team contact me"))
    assert "pass a short note to the charity's team" in question
    replies = await chat.say("i honestly just want to die")
    text = joined(replies)
    assert "116 123" in text and "85258" in text  # Samaritans and Shout, from the directory
    assert "/request_human" in payloads(replies)  # carry on where we were
    after = joined(await chat.say("/request_human"))
    assert "pass a short note to the charity's team" in after  # the form starts again


async def test_crisis_after_help_offers_to_carry_on(chat):
    await chat.say("how do i get the pictures taken down")
    replies = await chat.say("i honestly just want to die")
    assert "116 123" in joined(replies)
    assert "/affirm" in payloads(replies)  # carry on where we were
    after = joined(await chat.say("/affirm"))
    assert "taken down" in after and "Report" in after  # the takedown answer again


async def test_danger_gets_the_local_emergency_number(chat):
    await chat.say("I live in Australia")
    text = joined(await chat.say("he's outside my house right now"))
    assert text.startswith("If you are in danger right now, please call 000")


async def test_volunteered_facts_are_not_asked_again(chat):
    replies = await chat.say("im 16 and live in wales, my ex posted fake nudes of me on insta")
    first = joined(replies)
    assert "not your fault" in first and "Report Remove" in first and "Instagram" in first
    text = joined(await chat.say("/ask_takedown"))
    assert "Report Remove" in text and "Instagram" in text
    assert "under 18?" not in text and "Where do you live" not in text


async def test_talk_to_a_person_reaches_the_backend(chat, servers):
    for message in ("/request_human", "/affirm",
                    '/inform_contact_method{"contact_method": "email"}',
                    "sam@example.org", "evenings", "Fakes of me are on a forum"):
        await chat.say(message)
    confirm = joined(await chat.say("/affirm"))
    assert "passed your note to the team" in confirm
    backend = sqlite3.connect(servers.var / "backend.db")
    for _ in range(50):  # the relay delivers in the background
        if backend.execute("SELECT COUNT(*) FROM handoffs").fetchone()[0]:
            break
        await asyncio.sleep(0.2)
    assert backend.execute("SELECT COUNT(*) FROM handoffs").fetchone()[0] >= 1
    raw = b"".join(bytes(str(row), "utf8") for row in backend.execute("SELECT * FROM handoffs"))
    assert b"sam@example.org" not in raw  # encrypted at rest


async def test_delete_my_data_erases_the_conversation(chat, servers):
    await chat.say("someone shared my nudes")
    await chat.say("/ask_support")
    await chat.say("delete my data")
    text = joined(await chat.say("/affirm"))
    assert "deleted this conversation" in text
    tracker = sqlite3.connect(servers.var / "rasa-tracker.db")
    rows = tracker.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?",
                           (chat.sender,)).fetchone()[0]
    assert rows == 0


async def test_images_are_never_needed(chat):
    text = joined(await chat.say("can i send you the screenshot of the post?"))
    assert "don't send me any images" in text


@pytest.mark.parametrize("message", [
    "", "   ", "😭😭😭😭", "<script>alert('x')</script>", "a" * 10000,
    "'; DROP TABLE events; --", "\u202eevil\u202c", "\x00\x01\x02",
])
async def test_hostile_input_always_gets_a_kind_reply(chat, message):
    replies = await chat.say(message)
    assert replies and all(r.get("text") for r in replies)


async def test_the_http_api_needs_the_token_in_a_header_never_in_the_url(servers):
    token = servers.env["RASA_TOKEN"]
    async with aiohttp.ClientSession() as session:
        url = f"{servers.rasa}/conversations/anyone/tracker"
        async with session.get(url) as response:
            assert response.status == 401
        async with session.get(url, params={"token": token}) as response:
            assert response.status == 401
        async with session.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
            assert response.status == 200


@pytest.mark.parametrize("method, path", [
    ("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train"),
    ("POST", "/model/parse"), ("POST", "/model/predict"), ("POST", "/model/test/intents"),
    ("GET", "/status"), ("GET", "/version"), ("GET", "/domain"),
    ("PUT", "/conversations/anyone/tracker/events"),
    ("POST", "/conversations/anyone/execute"), ("POST", "/conversations/anyone/messages"),
    ("POST", "/conversations/anyone/trigger_intent"),
    ("GET", "/conversations/anyone/story"), ("POST", "/conversations/anyone/predict"),
])
async def test_routes_the_services_never_call_are_gone_even_with_the_token(
        servers, method, path):
    headers = {"Authorization": f"Bearer {servers.env['RASA_TOKEN']}"}
    async with aiohttp.ClientSession() as session:
        async with session.request(method, servers.rasa + path, headers=headers,
                                   json={}) as response:
            assert response.status == 404


async def test_logs_never_hold_message_text_or_contact_details(chat, servers):
    """Every service's output during a conversation with a handoff: no message text, no
    contact details, no conversation id."""
    marker = "zebra-quartz-lantern"
    for message in (f"my ex posted {marker} pictures", "/request_human", "/affirm",
                    '/inform_contact_method{"contact_method": "email"}',
                    "lantern.person@example.org", f"{marker} evenings",
                    f"please help {marker}", "/affirm"):
        await chat.say(message)
    await asyncio.sleep(1)  # let the relay deliver and the backend log
    logs = "".join(p.read_text(errors="replace") for p in (servers.var / "logs").glob("*.log"))
    assert logs  # the services did log
    for secret in (marker, "lantern.person@example.org", chat.sender):
        assert secret not in logs

"""Privacy answers are true to configuration; erasure really erases; leaving quickly."""

from actions.privacy import ActionEraseConversation, ActionExplainPrivacy, ActionQuickExitHelp
from actions.welcome import ActionWelcome
from tests.actions.conftest import texts


async def test_retention_period_comes_from_configuration(tracker_factory, dispatcher,
                                                         monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "30")
    await ActionExplainPrivacy().run(dispatcher, tracker_factory(), {})
    assert "30 days" in texts(dispatcher) and "Never any images" in texts(dispatcher)


async def test_safeguarding_policy_link_when_configured(tracker_factory, dispatcher,
                                                        monkeypatch):
    monkeypatch.setenv("SAFEGUARDING_POLICY_URL", "https://charity.example/safeguarding")
    await ActionExplainPrivacy().run(dispatcher, tracker_factory(), {})
    assert "https://charity.example/safeguarding" in texts(dispatcher)


async def test_erasure_drops_this_conversations_referrals(tracker_factory, dispatcher,
                                                         outbox_env):
    outbox_env.record("referral", "conversation-1", "rest", {}, [], ["support"], [], [])
    outbox_env.record("referral", "someone-else", "rest", {}, [], ["support"], [], [])
    await ActionEraseConversation().run(dispatcher, tracker_factory(), {})
    assert outbox_env.outbox.count("conversation-1") == 0
    assert outbox_env.outbox.count("someone-else") == 1
    assert "deleted this conversation" in texts(dispatcher)


async def test_quick_exit_help_depends_on_the_channel(tracker_factory, dispatcher):
    await ActionQuickExitHelp().run(dispatcher, tracker_factory(channel="telegram"), {})
    await ActionQuickExitHelp().run(dispatcher, tracker_factory(channel="widget"), {})
    telegram, widget = (m["text"] for m in dispatcher.messages)
    assert "/clear" in telegram and "Shift three times" in widget
    assert "can't clear your browser history" in widget


async def test_welcome_says_what_it_is_and_asks_about_safety(tracker_factory, dispatcher,
                                                            monkeypatch):
    monkeypatch.setenv("CHARITY_NAME", "Example Trust")
    await ActionWelcome().run(dispatcher, tracker_factory(channel="widget"), {})
    text = texts(dispatcher)
    assert "Example Trust" in text and "not a person" in text
    assert "encrypted" in text and "Shift three times" in text
    assert "Are you safe right now?" in text and "999" in text
    payloads = [b["payload"] for b in dispatcher.messages[-1]["buttons"]]
    assert "/immediate_danger" in payloads and "/ask_evidence" in payloads


async def test_second_greeting_is_short(tracker_factory, dispatcher):
    events = [{"event": "action", "name": "action_welcome"}, {"event": "user", "text": "hi"}]
    await ActionWelcome().run(dispatcher, tracker_factory(events=events), {})
    assert dispatcher.messages[0]["text"].startswith("Hello again. I'm here.")
    assert len(dispatcher.messages) == 1 and dispatcher.messages[0]["buttons"]

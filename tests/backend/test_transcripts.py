"""What the case page shows of a tracker: the person's words and the assistant's, never an
intent the backend triggered (a reminder, a cancellation) as if the person had said it."""

from __future__ import annotations

from bot.backend.chat.transcripts import from_tracker


def test_triggered_intents_are_not_the_persons_words() -> None:
    tracker = {"events": [
        {"event": "user", "text": "remind me tomorrow", "timestamp": 1_800_000_000.0},
        {"event": "user", "text": "EXTERNAL: EXTERNAL_case_reminder",
         "timestamp": 1_800_086_400.0, "metadata": {"is_external": True}},
        {"event": "bot", "text": "You asked me to remind you.", "timestamp": 1_800_086_401.0},
    ]}
    messages = from_tracker(tracker).messages
    assert [(m.speaker, m.text) for m in messages] == [
        ("victim", "remind me tomorrow"), ("assistant", "You asked me to remind you.")]

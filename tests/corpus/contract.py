"""What every entry point must do with bad input, whatever it is.

Every answer is a kind reply or a clean 4xx, never a 5xx; a refused request stored
nothing; an accepted one stored nothing in clear text. Only a forged id or bytes that are
not UTF-8 (no message at all, to an event channel) may go unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from tests.corpus.inputs import BadInput

# What a person (or a client) should never be shown.
TECHNICAL = ("Traceback", "Exception", "Internal Server Error", "stack trace", 'File "/')
MAX_ERROR_BODY = 4096


@dataclass
class Answer:
    # The HTTP status; None when an event channel (socket.io) sent nothing back.
    status: Optional[int]
    # What the person or client was given when the input was accepted.
    replies: List[str] = field(default_factory=list)
    # The response body when refused.
    body: str = ""
    # The raw rows this request added to the stores, as text (ciphertext if encrypted).
    stored: List[str] = field(default_factory=list)


def check(item: BadInput, answer: Answer) -> None:
    """Asserts the contract for one input's answer."""
    status = answer.status
    assert status is None or status < 500, f"{status}: {answer.body[:300]}"
    if status is None:
        assert item.forged or item.raw is not None, "a well-formed message got no reply"
    elif status >= 400:
        assert len(answer.body) <= MAX_ERROR_BODY, "a refusal should say why, briefly"
        assert not any(t in answer.body for t in TECHNICAL), answer.body[:300]
    else:
        assert answer.replies and all(r.strip() for r in answer.replies), "no reply"
        for reply in answer.replies:
            assert not any(t in reply for t in TECHNICAL), reply[:300]
    if status is None or status >= 400:
        assert answer.stored == [], "a refused request left something stored"
    elif item.marker:
        assert not any(item.marker in row for row in answer.stored), "stored in clear text"
    if "<script" in item.text:  # markup is never given back as markup
        assert not any(item.text in r for r in answer.replies + [answer.body])

"""The bad-input corpus: what every entry point is sent.

Each input is either hostile content (a message, a note, a summary, an email) or a forged
or malformed id in a well-formed request. Entry points put `text` (or, when it is not
valid UTF-8, `raw`) where a person's words go, and `ident` where the conversation, case or
form id goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional

HUNDRED_KB = ("Someone made fake pictures of me and I don't know what to do. " * 1700)[:100_000]


@dataclass(frozen=True)
class BadInput:
    name: str
    text: str = "hello, I need some help"
    # The content as bytes that are not UTF-8 (then `text` only describes it).
    raw: Optional[bytes] = None
    # A forged or malformed id (None: the entry point uses a fresh, well-formed one).
    ident: Any = None

    @property
    def forged(self) -> bool:
        return self.ident is not None

    @property
    def marker(self) -> Optional[str]:
        """A piece of the content that must never be found in clear text at rest."""
        words = self.text.strip()
        return words[:40] if self.raw is None and not self.forged and len(words) >= 8 else None

    def content(self) -> bytes:
        return self.raw if self.raw is not None else self.text.encode("utf-8", "surrogatepass")


CORPUS: List[BadInput] = [
    BadInput("empty", ""),
    BadInput("whitespace only", " \n\t  \r\n "),
    BadInput("100 KB", HUNDRED_KB),
    BadInput("NUL bytes", "help\x00me\x00please"),
    BadInput("invalid UTF-8", "caf\\xe9 \\xff\\xfe", raw=b"caf\xe9 help \xff\xfe\xc3("),
    BadInput("control characters", "\x1b[31mred\x07\x08\x7f\u0085\u2028 text\x0b\x0c"),
    BadInput("right-to-left text", "\u202eevil.exe\u202c \u05e9\u05dc\u05d5\u05dd "
                                   "\u0645\u0631\u062d\u0628\u0627 \u200f"),
    BadInput("emoji", "\U0001f62d\U0001f62d \U0001f494 \U0001f64f\U0001f3fd "
                      "\U0001f469\u200d\U0001f467 help"),
    BadInput("lone surrogate", "broken \ud800 text"),
    BadInput("HTML and script",
             '<script>alert("x")</script><img src=x onerror=alert(1)><b>bold</b>'),
    BadInput("SQL metacharacters", "'; DROP TABLE events; -- \" OR 1=1 /* %_ \\"),
    BadInput("forged id: empty", ident=""),
    BadInput("forged id: too long", ident="c" * 300),
    BadInput("forged id: NUL byte", ident="conv\x00id"),
    BadInput("forged id: SQL", ident="x' OR '1'='1"),
    BadInput("forged id: path traversal", ident="../../../etc/passwd"),
    BadInput("forged id: right-to-left override", ident="\u202eabc123"),
    BadInput("forged id: a number", ident=12345),
    BadInput("forged id: an object", ident={"$ne": None}),
]

"""The widget's script and the demo charity page, read once at start-up (bot/widget/).

The script gets one thing from the server: the text it shows when it cannot reach the
chat at all, with the emergency number and crisis lines from the directory, so even a
widget that never connects is not silent. Everything is gzipped once, here.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from bot.backend.settings import PROJECT_ROOT

WIDGET_DIR = PROJECT_ROOT / "bot" / "widget"
# In widget.js: `var UNAVAILABLE = "";` with this marker, replaced by a JSON string.
PLACEHOLDER = '/*server:unavailable-text*/""'
CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".html": "text/html; charset=utf-8",
                 ".css": "text/css; charset=utf-8"}


@dataclass(frozen=True)
class Asset:
    """One file, plain and gzipped."""

    body: bytes
    gzipped: bytes
    content_type: str


@dataclass(frozen=True)
class WidgetAssets:
    """widget.js, demo.html and demo.css by file name."""

    files: dict[str, Asset]


def load_assets(unavailable_text: str, directory: Path = WIDGET_DIR) -> WidgetAssets:
    """Read the files; raise RuntimeError if the script lacks its placeholder."""
    script = (directory / "widget.js").read_text(encoding="utf-8")
    if script.count(PLACEHOLDER) != 1:
        raise RuntimeError(f"widget.js must contain {PLACEHOLDER} exactly once")
    # ensure_ascii keeps U+2028/2029 and everything else out of the JavaScript source.
    script = script.replace(PLACEHOLDER, json.dumps(unavailable_text, ensure_ascii=True))
    texts = {"widget.js": script}
    for name in ("demo.html", "demo.css"):
        texts[name] = (directory / name).read_text(encoding="utf-8")
    return WidgetAssets({name: _asset(name, text) for name, text in texts.items()})


def _asset(name: str, text: str) -> Asset:
    body = text.encode("utf-8")
    return Asset(body, gzip.compress(body, compresslevel=9, mtime=0),
                 CONTENT_TYPES[Path(name).suffix])

"""Debian's Chromium for the browser tests: found on PATH, never downloaded.

A missing browser is a setup error, not a reason to skip: `make setup` installs it (or
says what to run), so a browser test that cannot find it fails, saying what to do.
"""

from __future__ import annotations

import shutil

import pytest

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
MISSING = ("Debian's chromium is not installed: run `make setup` (it installs it), or "
           "`apt-get install chromium` as root")


def chromium_path() -> str:
    """The chromium on PATH; fails the calling test with what to run when there is none."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(MISSING, pytrace=False)
    return path

"""The text of a PDF a channel delivered, read with pypdfium2 (installed in the Rasa
environment, beside fpdf2 which writes it), from tests that run in the services one."""

from __future__ import annotations

import subprocess

from bot.tools.stack import RASA_PY

_READ = """
import sys, pypdfium2
pdf = pypdfium2.PdfDocument(sys.stdin.buffer.read())
print("\\n".join(page.get_textpage().get_text_range() for page in pdf))
"""


def pdf_text(content: bytes) -> str:
    """Every page's text, in order."""
    result = subprocess.run([str(RASA_PY), "-c", _READ], input=content, capture_output=True,
                            timeout=60, check=True)
    return result.stdout.decode("utf-8")

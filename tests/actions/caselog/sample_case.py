"""An invented case, for the export's tests and the README's picture of a case log.

Every name, link, account and reference here is made up.

Usage (from the repository root, in the Rasa env), after changing the export's layout:
    PYTHONPATH=. .venv-rasa/bin/python -m tests.actions.caselog.sample_case
writes page 1 of the sample's PDF to docs/images/sample-case-log.png.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import List

import pypdfium2 as pdfium

from actions.caselog.entries import Account, Entry, Place, PoliceContact, Report, Threat
from actions.caselog.export import CaseDocument, build_document
from bot.directory import Directory, load_directory

UTC = dt.timezone.utc
PRODUCED_AT = dt.datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
CHARITY = "Example Charity"
PICTURE = Path(__file__).resolve().parents[3] / "docs" / "images" / "sample-case-log.png"
# Pixels per PDF point of the picture (A4 landscape: 1263 × 893 pixels).
PICTURE_SCALE = 1.5


def sample_entries() -> List[Entry]:
    """Ten entries of an invented case, numbered as a conversation would number them."""
    records = [
        Place(link="https://www.reddit.com/r/example_sub/comments/1a2b3c/posted_photos/",
              platform="reddit", found_at=dt.datetime(2026, 11, 28, 21, 40, tzinfo=UTC),
              status="removed", description="A fake nude image posted with my first name"),
        Threat(at=dt.datetime(2026, 11, 29, 8, 15, tzinfo=UTC), account="@night_owl_4471",
               platform="meta", demand="Send £500 in gift cards by Friday or I send the "
                                       "pictures to everyone you follow"),
        Account(username="@night_owl_4471", platform="meta",
                profile_link="instagram.com/night_owl_4471"),
        Report(to="Reddit", platform="reddit",
               at=dt.datetime(2026, 11, 28, 22, 5, tzinfo=UTC), reference="RDT-20481173",
               place=1),
        Place(link="x.com/anon_poster_19/status/1862201930555", platform="x",
              found_at=dt.date(2026, 11, 30), status="still_up"),
        Report(to="X (Twitter)", platform="x", at=dt.datetime(2026, 11, 30, 10, 12, tzinfo=UTC),
               reference="X-7730-1199", place=5),
        PoliceContact(force="Greater Manchester Police", crime_reference="CRI/06/112233/26",
                      officer="DC Patel", at=dt.date(2026, 12, 1)),
        Place(link="reddit.com/r/another_sub/comments/9z8y7x", platform="reddit",
              found_at=dt.date(2026, 12, 3), status="reported", reupload_of=1),
        Report(platform="reddit", at=dt.datetime(2026, 12, 3, 18, 30, tzinfo=UTC),
               reference="RDT-20519904", place=8),
        Account(username="anon_poster_19", platform="x",
                profile_link="https://x.com/anon_poster_19"),
    ]
    return [Entry(n, record, PRODUCED_AT, PRODUCED_AT) for n, record in enumerate(records, 1)]


def sample_document(directory: Directory) -> CaseDocument:
    """The sample case as the export's document."""
    return build_document(sample_entries(), directory, CHARITY, PRODUCED_AT)


def render_page(pdf_bytes: bytes, index: int = 0, scale: float = PICTURE_SCALE):
    """One page of a PDF as a PIL image (pypdfium2's own PDFium; nothing downloaded)."""
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        return document[index].render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()


def main(argv: List[str]) -> int:
    """Writes page 1 of the sample's PDF to the README's picture (or to argv[0])."""
    from actions.caselog.export_pdf import render_pdf

    target = Path(argv[0]) if argv else PICTURE
    target.parent.mkdir(parents=True, exist_ok=True)
    render_page(render_pdf(sample_document(load_directory()))).save(target, optimize=True)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The exported case log: its content (text and PDF), its layout (rendered to an image),
and what can never be in it (an image, an intimate description, a clickable link)."""

from __future__ import annotations

import datetime as dt
from typing import List, Tuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image, ImageChops, ImageStat

from actions.caselog.entries import Account, Entry, Place, Report, Threat
from actions.caselog.export import MAX_QUOTE, build_document
from actions.caselog.export_pdf import HEADING_FILL, MISSING, render_pdf
from actions.caselog.export_text import render_text
from tests.actions.caselog.sample_case import (
    CHARITY,
    PICTURE,
    PICTURE_SCALE,
    PRODUCED_AT,
    render_page,
    sample_document,
    sample_entries,
)

SECTIONS = ["Incident log", "Reports and their status", "Accounts involved",
            "Police contacts"]
HEADER = ("Produced on 4 December 2026 at 12:00 UTC by Example Charity's assistant from "
          "what you told it; it holds no images.")


def entries(*records) -> List[Entry]:
    return [Entry(n, r, PRODUCED_AT, PRODUCED_AT) for n, r in enumerate(records, start=1)]


def pdf_pages(pdf: bytes) -> List[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()


def pdf_text(pdf: bytes) -> str:
    # Table cells wrap long values over lines: compare without line breaks.
    return " ".join(" ".join(pdf_pages(pdf)).split())


# --- content ------------------------------------------------------------------------------

def test_the_text_version_holds_the_whole_log(directory):
    text = render_text(sample_document(directory))
    assert text.startswith("CASE LOG\n")
    assert HEADER in text
    positions = [text.index(title.upper()) for title in SECTIONS]
    assert positions == sorted(positions)
    incidents, reports, accounts, police = (
        text[start:end] for start, end in zip(positions, positions[1:] + [len(text)]))
    # The incident log: date and time, platform, link, what happened, what was done, refs.
    assert ("No. 1\n  Date and time: 28 Nov 2026, 21:40\n  Platform: Reddit\n"
            "  Link: https://www.reddit.com/r/example_sub/comments/1a2b3c/posted_photos/\n"
            "  What happened: Image found here: A fake [removed] image posted with my first "
            "name\n  What was done: Reported to Reddit on 28 Nov 2026, 22:05 (no. 4). "
            "Status: Removed.\n  Reference numbers: RDT-20481173\n") in incidents
    assert ("What happened: A threat or message from @night_owl_4471. Demanded: “Send £500 "
            "in gift cards by Friday or I send the pictures to everyone you follow”"
            ) in incidents
    assert "What happened: Image found here, a re-upload of no. 1." in incidents
    assert [line for line in incidents.splitlines() if line.startswith("No. ")] == \
        ["No. 1", "No. 2", "No. 5", "No. 8"]  # in the order things happened
    assert ("No. 6\n  Date and time: 30 Nov 2026, 10:12\n  Reported to: X (Twitter)\n"
            "  About: No. 5, X (Twitter): x.com/anon_poster_19/status/1862201930555\n"
            "  Reference number: X-7730-1199\n  Status: Still up\n") in reports
    assert "Status: Reported, waiting for removal" in reports
    assert ("No. 3\n  Username: @night_owl_4471\n  Platform: Meta (Facebook, Instagram, "
            "Threads)\n  Profile link: instagram.com/night_owl_4471\n") in accounts
    assert ("No. 7\n  Date and time: 1 Dec 2026\n  Police force: Greater Manchester Police\n"
            "  Crime reference: CRI/06/112233/26\n  Officer: DC Patel\n") in police


def test_an_empty_log_says_so_in_every_section(directory):
    document = build_document([], directory, CHARITY, PRODUCED_AT)
    text = render_text(document)
    assert text.count("None recorded.") == 4
    assert pdf_text(render_pdf(document)).count("None recorded.") == 4


def test_times_are_shown_in_the_zone_asked_for(directory):
    london = dt.timezone(dt.timedelta(hours=1), "BST")
    document = build_document(sample_entries(), directory, CHARITY, PRODUCED_AT, london)
    text = render_text(document)
    assert "Produced on 4 December 2026 at 13:00 BST" in text and "Times are BST." in text
    assert "Date and time: 28 Nov 2026, 22:40" in text
    assert "Date and time: 30 Nov 2026\n" in text  # a day alone stays that day


def test_no_intimate_description_reaches_the_export(directory):
    log = entries(
        Place(description="a n4ked photo of me in my UNDERWEAR, topless", platform="reddit"),
        Threat(demand="he said he will post the n*des and the sex-tape unless I pay",
               account="@rex"),
        Place(description="word " * 100),
    )
    document = build_document(log, directory, CHARITY, PRODUCED_AT)
    for rendered in (render_text(document), pdf_text(render_pdf(document))):
        lowered = rendered.lower()
        for word in ("n4ked", "underwear", "topless", "n*des", "sex-tape"):
            assert word not in lowered
        assert "a [removed] photo of me in my [removed], [removed]" in rendered
        assert "post the [removed] and the [removed] unless I pay" in rendered
        assert "word " * 10 in rendered and "word " * 70 not in rendered  # shortened
    assert ("word " * 100)[:MAX_QUOTE - 1].rstrip() + "…" in render_text(document)


def test_identifiers_are_evidence_and_kept_exactly(directory):
    log = entries(Account(username="@nudes_leaker_99", profile_link="x.com/nudes_leaker_99"),
                  Place(link="https://example.com/naked-photos/123"),
                  Report(reference="NUDE-REF-1", place=2))
    text = render_text(build_document(log, directory, CHARITY, PRODUCED_AT))
    for identifier in ("@nudes_leaker_99", "x.com/nudes_leaker_99",
                       "https://example.com/naked-photos/123", "NUDE-REF-1"):
        assert identifier in text


# --- the PDF ------------------------------------------------------------------------------

def test_the_pdf_holds_the_same_log(directory):
    document = sample_document(directory)
    pdf = render_pdf(document)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert HEADER in text
    positions = [text.index(title) for title in SECTIONS]
    assert positions == sorted(positions)
    for fact in ("RDT-20481173", "X-7730-1199", "RDT-20519904", "CRI/06/112233/26",
                 "DC Patel", "Greater Manchester Police", "@night_owl_4471",
                 "instagram.com/night_owl_4471", "Image found here: A fake [removed] image",
                 "Still up", "Reported, waiting for removal", "a re-upload of no. 1"):
        assert fact in text
    assert "nude" not in text.lower()


def test_the_pdf_has_no_image_and_no_clickable_link(directory):
    document = pdfium.PdfDocument(render_pdf(sample_document(directory)))
    try:
        for page in document:
            kinds = [obj.type for obj in page.get_objects()]
            assert kinds and pdfium_c.FPDF_PAGEOBJ_IMAGE not in kinds
            assert pdfium_c.FPDFPage_GetAnnotCount(page.raw) == 0
    finally:
        document.close()


def section_layout(pdf: bytes, page_index: int = 0) -> List[Tuple[str, float, bool]]:
    """Each section title found on the page: (title, its top in pixels, whether a shaded
    heading row of a table is just below it on the rendered page)."""
    image = render_page(pdf, page_index)
    document = pdfium.PdfDocument(pdf)
    found = []
    try:
        page = document[page_index]
        height = page.get_height()
        textpage = page.get_textpage()
        for title in SECTIONS + ["Case log"]:
            searcher = textpage.search(title, match_case=True, match_whole_word=True)
            hit = searcher.get_next()
            if hit is None:
                continue
            left, bottom, right, top = textpage.get_charbox(hit[0])
            y_top = (height - top) * PICTURE_SCALE
            y_bottom = int((height - bottom) * PICTURE_SCALE)
            shaded = any(_shaded_row(image, y) for y in range(y_bottom + 2, y_bottom + 40))
            found.append((title, y_top, shaded))
    finally:
        document.close()
    return found


def _shaded_row(image: Image.Image, y: int) -> bool:
    """Most of the row at `y` is the heading fill colour (a table's heading row)."""
    if y >= image.height:
        return False
    row = [image.getpixel((x, y)) for x in range(0, image.width, 4)]
    return sum(pixel == HEADING_FILL for pixel in row) > 0.6 * len(row)


def test_the_layout_puts_each_section_over_its_table_in_order(directory):
    pdf = render_pdf(sample_document(directory))
    first = section_layout(pdf, 0)
    titles = [title for title, _, _ in first]
    assert titles == ["Incident log", "Reports and their status", "Accounts involved",
                      "Case log"]  # "Case log" is the document's title, at the top
    tops = {title: top for title, top, _ in first}
    assert tops["Case log"] < tops["Incident log"] < tops["Reports and their status"] \
        < tops["Accounts involved"]
    assert all(shaded for title, _, shaded in first if title != "Case log")
    # The last section went to page 2, title and table together.
    assert [(title, shaded) for title, _, shaded in section_layout(pdf, 1)
            if title in SECTIONS] == [("Police contacts", True)]


def test_an_empty_section_has_no_table(directory):
    pdf = render_pdf(build_document(entries(Account(username="@rex")), directory, CHARITY,
                                    PRODUCED_AT))
    layout = {title: shaded for title, _, shaded in section_layout(pdf)}
    assert layout == {"Incident log": False, "Reports and their status": False,
                      "Accounts involved": True, "Police contacts": False,
                      "Case log": False}


def test_names_in_other_scripts_print_or_are_marked(directory):
    log = entries(Account(username="@Ольга_K", platform="meta"),
                  Account(username="小明的账号"))
    document = build_document(log, directory, CHARITY, PRODUCED_AT)
    text = pdf_text(render_pdf(document))
    assert "@Ольга_K" in text
    assert MISSING * 5 in text and "the text version of this log has them" in text
    assert "小明的账号" in render_text(document)


def test_the_readme_picture_is_the_sample_as_rendered_now(directory):
    """docs/images/sample-case-log.png shows page 1 of the sample log; after a change to
    the layout, regenerate it: python -m tests.actions.caselog.sample_case"""
    current = render_page(render_pdf(sample_document(directory)))
    committed = Image.open(PICTURE).convert("RGB")
    assert committed.size == current.size
    difference = ImageStat.Stat(ImageChops.difference(committed, current)).mean
    assert max(difference) < 1.0, "regenerate: python -m tests.actions.caselog.sample_case"


@pytest.mark.parametrize("kind, values", [
    ("place", {"description": "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ"}),
    ("place", {"link": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg"}),
    ("threat", {"demand": "see attached \x89PNG\r\n"}),
])
def test_an_image_never_enters_the_log_so_never_the_export(case_file, kind, values):
    from actions.caselog.field_rules import FieldError

    with pytest.raises(FieldError) as error:
        case_file.log.add("conversation-1", kind, values)
    assert error.value.reason == "image"
    assert case_file.log.entries("conversation-1") == []

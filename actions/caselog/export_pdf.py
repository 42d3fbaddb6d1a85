"""The case document as a PDF, made with fpdf2: A4 landscape, one table per section.

Text only: no image, no link annotation (links are printed, never clickable). The font is
DejaVu Sans, which Rasa's own dependency matplotlib ships, so names in most scripts print
and nothing is downloaded; without it, the PDF falls back to Helvetica (Latin-1).
A character the font lacks is printed as □ and the header says the text version has it:
fpdf2 would otherwise log the missing characters, and logs never hold what a person said.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from typing import Dict, Optional, Tuple

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from actions.caselog.export import CaseDocument, Table

MISSING = "□"
# Relative column widths of each table, by title (others share the width equally).
COLUMN_WIDTHS: Dict[str, Tuple[int, ...]] = {
    "Incident log": (7, 16, 16, 34, 42, 42, 18),
    "Reports and their status": (7, 18, 24, 60, 25, 24),
    "Accounts involved": (7, 40, 30, 80),
    "Police contacts": (7, 20, 40, 30, 40),
}
HEADING_FILL = (225, 228, 235)
# Room (mm) a section's title needs below it for its first rows.
KEEP_WITH_TITLE = 30


def _dejavu() -> Optional[Tuple[Path, Path]]:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    fonts = Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "fonts" / "ttf"
    regular, bold = fonts / "DejaVuSans.ttf", fonts / "DejaVuSans-Bold.ttf"
    return (regular, bold) if regular.is_file() and bold.is_file() else None


class _CasePdf(FPDF):
    """fpdf2's document with the case log's footer on every page."""

    def __init__(self, family: str) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.family = family
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(True, margin=14)

    def footer(self) -> None:
        """fpdf2's hook: the page number and a reminder of what the document is."""
        self.set_y(-10)
        self.set_font(self.family, size=7)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"Case log · holds no images · page {self.page_no()} of {{nb}}",
                  align="C")


def render_pdf(document: CaseDocument) -> bytes:
    """The document as PDF bytes."""
    # fontTools lists every glyph it subsets at INFO: which characters a person typed.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    fonts = _dejavu()
    pdf = _CasePdf("DejaVu" if fonts else "helvetica")
    if fonts:
        pdf.add_font("DejaVu", "", str(fonts[0]))
        pdf.add_font("DejaVu", "B", str(fonts[1]))
    pdf.set_title(document.title)
    pdf.set_creation_date(document.produced_at)
    pdf.add_page()
    printable = _Printable(pdf)
    body = [_cells(table, printable) for table in document.tables]
    pdf.set_font(pdf.family, "B", 16)
    pdf.cell(0, 9, document.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(pdf.family, size=10)
    pdf.multi_cell(0, 5, printable(document.produced), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(pdf.family, size=8)
    pdf.set_text_color(70, 70, 70)
    notes = document.notes + (
        (f"Characters this font cannot show are printed as {MISSING}; the text version of "
         "this log has them.",) if printable.replaced else ())
    for note in notes:
        pdf.multi_cell(0, 4, printable(note), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    for table, rows in zip(document.tables, body):
        _table(pdf, table, rows)
    return bytes(pdf.output())


class _Printable:
    """Replaces the characters the document's font lacks."""

    def __init__(self, pdf: FPDF) -> None:
        pdf.set_font(pdf.family, size=10)
        cmap = getattr(pdf.current_font, "cmap", None)
        self.can_show = (lambda c: ord(c) in cmap) if cmap else (lambda c: ord(c) < 256)
        self.replaced = False

    def __call__(self, text: str) -> str:
        shown = "".join(c if c in "\n" or self.can_show(c) else MISSING for c in text)
        self.replaced = self.replaced or shown != text
        return shown


def _cells(table: Table, printable: _Printable) -> Tuple[Tuple[str, ...], ...]:
    return tuple(tuple(printable(value) for value in row) for row in table.rows)


def _table(pdf: FPDF, table: Table, rows: Tuple[Tuple[str, ...], ...]) -> None:
    pdf.ln(4)
    if pdf.get_y() > pdf.h - pdf.b_margin - KEEP_WITH_TITLE:
        pdf.add_page()  # never a section's title alone at the foot of a page
    pdf.set_font(pdf.family, "B", 12)
    pdf.cell(0, 7, table.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(pdf.family, size=8)
    if not rows:
        pdf.cell(0, 5, table.empty, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    widths = COLUMN_WIDTHS.get(table.title, (1,) * len(table.headings))
    headings = FontFace(emphasis="BOLD", fill_color=HEADING_FILL)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4,
                   headings_style=headings, padding=1.2) as grid:
        for values in (table.headings,) + rows:
            cells = grid.row()
            for value in values:
                cells.cell(value)

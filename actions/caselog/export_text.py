"""The case document as plain text: readable in any app, and easy to paste into a form."""

from __future__ import annotations

from actions.caselog.export import NONE, CaseDocument

RULE = "=" * 60


def render_text(document: CaseDocument) -> str:
    """The document as plain text: the header, then each table as numbered blocks of
    "Heading: value" lines (empty values left out)."""
    lines = [document.title.upper(), RULE, document.produced, *document.notes, ""]
    for table in document.tables:
        lines += [table.title.upper(), "-" * len(table.title)]
        if not table.rows:
            lines += [table.empty, ""]
            continue
        for row in table.rows:
            number, *values = row
            lines.append(f"No. {number}")
            lines += [f"  {heading}: {value}"
                      for heading, value in zip(table.headings[1:], values) if value != NONE]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"

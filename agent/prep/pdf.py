"""Render a prep sheet (or its Markdown) as a one-page PDF with fpdf2.

fpdf2's core fonts only cover Latin-1, and no Unicode font ships with it, so every string is first
folded into Latin-1: typographic punctuation becomes its plain equivalent, accents are kept where
Latin-1 has them and stripped otherwise, and anything left (emoji, CJK) becomes '?'. Any input renders.
The layout shrinks the type in small steps until the sheet fits on one page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF

MARGIN_MM = 14
# (body, heading, title, references) font sizes in points, tried in order until the sheet fits one page.
SIZES = ((9.5, 11.5, 15, 7), (9, 11, 14, 6.5), (8.5, 10.5, 13, 6.2), (8, 10, 12, 6), (7.5, 9.5, 12, 5.6))
_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"',
    "\u201e": '"', "\u2033": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\u2026": "...", "\u2022": "-", "\u2023": "-", "\u25cf": "-", "\u2192": "->",
    "\u2190": "<-", "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u2248": "~", "\u00a0": " ", "\u2009": " ",
    "\u202f": " ", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\t": " ", "\u2122": "(TM)",
    "\u20ac": "EUR", "\u2713": "v", "\u2714": "v", "\u2717": "x", "\u2718": "x",
})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def latin1(text: Any) -> str:
    """Fold any text into printable Latin-1 (see module docstring); never raises."""
    text = str(text if text is not None else "").encode("utf-8", "replace").decode("utf-8")
    text = _CONTROL.sub("", text.translate(_FOLD))
    out = []
    for ch in text:
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 256 and not unicodedata.combining(c))
        out.append(base or "?")
    return "".join(out)


@dataclass(frozen=True)
class _Block:
    kind: str  # title | heading | note | item | ref
    text: str
    label: str = ""
    bullet: str = ""


def _blocks_from_sheet(sheet: Any) -> list[_Block]:
    blocks = [_Block("title", sheet.title)]
    for section in sheet.sections():
        blocks.append(_Block("heading", section.title))
        if section.note:
            blocks.append(_Block("note", section.note))
        references = section.title == "References"
        for i, item in enumerate(section.items, start=1):
            cites = "".join(f" [{n}]" for n in item.refs)
            if references:
                blocks.append(_Block("ref", item.text, bullet=item.label))
            else:
                blocks.append(_Block("item", item.text + cites, label=item.label,
                                     bullet=f"{i}." if section.numbered else "-"))
    return blocks


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~$])")
_MD_ITEM = re.compile(r"^(?P<bullet>[-*+]|\d+\.)\s+(?:\*\*(?P<label>.+?):\*\*\s*)?(?P<text>.*)$")


def _blocks_from_markdown(markdown: str) -> list[_Block]:
    """Headings, bullets and paragraphs of simple Markdown (as written by ``PrepSheet.to_markdown``)."""
    blocks: list[_Block] = []
    in_refs = False
    for raw in markdown.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("# "):
            blocks.append(_Block("title", _plain(line[2:])))
        elif line.startswith("#"):
            title = _plain(line.lstrip("#").strip())
            in_refs = title.lower() == "references"
            blocks.append(_Block("heading", title))
        elif match := _MD_ITEM.match(line):
            kind = "ref" if in_refs else "item"
            blocks.append(_Block(kind, _plain(match.group("text")), label=_plain(match.group("label") or ""),
                                 bullet=match.group("bullet") if match.group("bullet").endswith(".") else "-"))
        else:
            blocks.append(_Block("note", _plain(line.strip("*_") if line.startswith(("*", "_")) else line)))
    return blocks


def _plain(text: str) -> str:
    return _MD_ESCAPE.sub(r"\1", text.replace("**", ""))


def _render(blocks: list[_Block], sizes: tuple[float, float, float, float], title: str) -> FPDF:
    body, heading, title_size, ref_size = sizes
    pdf = FPDF(format="A4")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_MM)
    pdf.set_title(latin1(title))
    pdf.set_creator("MentorPrep")
    pdf.add_page()
    for block in blocks:
        text = latin1(block.text)
        if block.kind == "title":
            pdf.set_font("Helvetica", "B", title_size)
            pdf.multi_cell(0, title_size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif block.kind == "heading":
            pdf.ln(1.2)
            pdf.set_font("Helvetica", "B", heading)
            pdf.set_text_color(20, 60, 110)
            pdf.cell(0, heading * 0.45, text, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.set_draw_color(170, 185, 205)
            pdf.line(MARGIN_MM, pdf.get_y() + 0.4, pdf.w - MARGIN_MM, pdf.get_y() + 0.4)
            pdf.ln(1.2)
        elif block.kind == "note":
            pdf.set_font("Helvetica", "I", body - 1)
            pdf.multi_cell(0, (body - 1) * 0.42, text, new_x="LMARGIN", new_y="NEXT")
        else:
            size = ref_size if block.kind == "ref" else body
            _item(pdf, latin1(block.bullet), latin1(block.label), text, size)
    return pdf


def _item(pdf: FPDF, bullet: str, label: str, text: str, size: float) -> None:
    """A hanging-indent line: bullet, bold label, then the wrapped text."""
    line_h = size * 0.43
    indent = max(pdf.get_string_width("00.") + 1.5, 4.5) if bullet else 0
    pdf.set_font("Helvetica", "", size)
    pdf.set_x(MARGIN_MM)
    if bullet:
        pdf.cell(indent, line_h, bullet)
    pdf.set_left_margin(MARGIN_MM + indent)
    try:
        if label:
            pdf.set_font("Helvetica", "B", size)
            pdf.write(line_h, f"{label}: ")
            pdf.set_font("Helvetica", "", size)
        pdf.write(line_h, text)
        pdf.ln(line_h + 0.6)
    finally:
        pdf.set_left_margin(MARGIN_MM)


def to_pdf(sheet: Any) -> bytes:
    """Render a :class:`agent.prep.sheet.PrepSheet` (or Markdown text) to PDF bytes, on one page if it fits.

    Args:
        sheet: a PrepSheet, anything with ``title`` and ``sections()``, or a Markdown string.

    Returns:
        The PDF file's bytes.
    """
    if isinstance(sheet, str):
        blocks = _blocks_from_markdown(sheet)
        title = next((b.text for b in blocks if b.kind == "title"), "Prep sheet")
    else:
        blocks, title = _blocks_from_sheet(sheet), sheet.title
    pdf = None
    for sizes in SIZES:
        pdf = _render(blocks, sizes, title)
        if pdf.page_no() == 1:
            break
    return bytes(pdf.output())

"""The Word writer: a :class:`~assistant.report.document.Document` as a .docx file.

Chinese text takes 宋体 as its East Asian font (Word's default would fall back to a Latin
font's metrics); tables get fixed column widths from their shares of the text width, set on
the grid and on every cell because Word reads the cells and LibreOffice the grid; images
(charts) are embedded at the text width.

Usage example::

    write_docx(document, Path("披露摘要.docx"))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.report.document import Block, BulletList, Document, Image, Table

__all__ = ["write_docx"]

DOCX_FONT = "宋体"
DOCX_TEXT_WIDTH_CM = 16.0
IMAGE_WIDTH_CM = 15.0
TABLE_STYLE = "Light Grid Accent 1"
EMPHASIS_STYLE = "Intense Quote"


def write_docx(document: Document, path: Path) -> Path:
    """Write ``document`` to ``path`` (its folder must exist); returns ``path``."""
    import docx
    from docx.oxml.ns import qn

    word = docx.Document()
    normal = word.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), DOCX_FONT)
    word.add_heading(document.title, level=0)
    for paragraph in document.lead:
        word.add_paragraph(paragraph.text, style=EMPHASIS_STYLE if paragraph.emphasis else None)
    for section in document.sections:
        word.add_heading(section.heading, level=1)
        for block in section.blocks:
            _add_block(word, block)
    word.save(str(path))
    return path


def _add_block(word: Any, block: Block) -> None:
    from docx.shared import Cm

    if isinstance(block, Table):
        _add_table(word, block)
    elif isinstance(block, Image):
        word.add_picture(str(block.path), width=Cm(IMAGE_WIDTH_CM))
    elif isinstance(block, BulletList):
        style = "List Number" if block.numbered else "List Bullet"
        for item in block.items:
            word.add_paragraph(item, style=style)
    elif block.strong:
        word.add_paragraph().add_run(block.text).bold = True
    else:
        word.add_paragraph(block.text, style=EMPHASIS_STYLE if block.emphasis else None)


def _add_table(word: Any, block: Table) -> None:
    from docx.shared import Cm

    table = word.add_table(rows=1, cols=len(block.header), style=TABLE_STYLE)
    table.autofit = False
    widths = block.widths or tuple(1 / len(block.header) for _ in block.header)
    for column, share in zip(table.columns, widths, strict=True):
        column.width = Cm(DOCX_TEXT_WIDTH_CM * share)
    for row_cells, texts in [(table.rows[0].cells, block.header), *((table.add_row().cells, r) for r in block.rows)]:
        for cell, text, share in zip(row_cells, texts, widths, strict=True):
            cell.text = text
            cell.width = Cm(DOCX_TEXT_WIDTH_CM * share)

"""A document as the writers see it: a title, lead lines and sections of plain blocks.

Tasks build a :class:`Document` from their own results (a briefing, a disclosure draft);
:mod:`assistant.report.markdown` and :mod:`assistant.report.docx` write it. Text in the
blocks is plain: no Markdown markup, so the Word document never shows stray ``**`` and the
Markdown writer alone decides how a list or a table looks.

Usage example::

    document = Document(
        "科技成果披露摘要：示例",
        sections=(Section("关键创新点", (BulletList(("压电薄膜兼作传感",), numbered=True),)),),
    )
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Block", "BulletList", "Document", "Image", "Paragraph", "Section", "Table"]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph; ``strong`` marks a run-in heading, ``emphasis`` a note that must stand out."""

    text: str
    strong: bool = False
    emphasis: bool = False


@dataclass(frozen=True)
class BulletList:
    """Items shown as a bulleted list, or numbered when their order matters."""

    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    """A table with a header row; ``widths`` are shares of the page width (equal when empty)."""

    header: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    widths: tuple[float, ...] = ()


@dataclass(frozen=True)
class Image:
    """A picture file (a chart) placed in the flow of the text."""

    path: Path


Block = Paragraph | BulletList | Table | Image


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    """What a writer needs: the title, lines under it (date, scope …) and the sections in order."""

    title: str
    sections: tuple[Section, ...]
    lead: tuple[Paragraph, ...] = ()

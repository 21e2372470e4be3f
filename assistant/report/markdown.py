"""The Markdown writer: a :class:`~assistant.report.document.Document` as Markdown text.

Front matter, when given, is written by a YAML library: a title such as
``压电贴片: 一种低功耗测温方法`` or one starting with ``[`` is quoted as YAML requires, so
the loader reads back exactly what was written.

Usage example::

    text = to_markdown(document, front_matter={"title": "示例", "visibility": "confidential"})
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from assistant.report.document import Block, BulletList, Document, Image, Table

__all__ = ["front_matter_block", "to_markdown"]


def front_matter_block(values: Mapping[str, Any]) -> str:
    """``---`` / YAML / ``---``: keys in the given order, Chinese kept readable, one line per value."""
    dumped = yaml.safe_dump(dict(values), allow_unicode=True, sort_keys=False, width=2**31 - 1)
    return f"---\n{dumped}---\n"


def _single_line(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    """A table cell: a "|" would start a new column and a line break would end the row."""
    return _single_line(text.replace("|", "／"))


def _block(block: Block, relative_to: Path | None) -> list[str]:
    if isinstance(block, Table):
        return [
            "| " + " | ".join(_cell(h) for h in block.header) + " |",
            "|" + "---|" * len(block.header),
            *("| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows),
        ]
    if isinstance(block, BulletList):
        if block.numbered:
            return [f"{n}. {_single_line(item)}" for n, item in enumerate(block.items, start=1)]
        return [f"- {_single_line(item)}" for item in block.items]
    if isinstance(block, Image):
        shown = block.path.relative_to(relative_to) if relative_to else block.path
        return [f"![{block.path.stem}]({shown.as_posix()})"]
    return [f"**{block.text}**" if block.strong else block.text]


def to_markdown(
    document: Document, *, front_matter: Mapping[str, Any] | None = None, relative_to: Path | None = None
) -> str:
    """The document as Markdown.

    :param front_matter: values written as YAML front matter (none when ``None``).
    :param relative_to: the folder the Markdown file will be in; image links are written
        relative to it (as given when ``None``).
    """
    lines = [f"# {_single_line(document.title)}", ""]
    if document.lead:
        lines += [*(f"> {_single_line(p.text)}" for p in document.lead), ""]
    for section in document.sections:
        lines += [f"## {_single_line(section.heading)}", ""]
        for block in section.blocks:
            lines += [*_block(block, relative_to), ""]
    body = "\n".join(lines).rstrip() + "\n"
    return front_matter_block(front_matter) + body if front_matter is not None else body

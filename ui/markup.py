"""Record text on a page: shown as text, never interpreted as Markdown, and never as a file path.

Titles, reasons and passages come from files and table cells anyone can write; a cell
holding ``![x](http://…)`` or ``[点此](…)`` must reach the reader as those characters,
not as an image fetched from elsewhere or a link. Where a passage is from is told as a
reader would cite it (title and article, or a record's number), not as a path or a
spreadsheet row.

Usage example::

    st.markdown(f"**{md(chunk.title)}**")
    st.caption(cite(chunk))
"""

from __future__ import annotations

import re

from assistant.records import Chunk, DocType

__all__ = ["cite", "defang", "md"]

# Every character CommonMark (and Streamlit's extensions: :emoji:, $math$, ~strike~) gives a meaning.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=^])")
LINK_SYNTAX = re.compile(r"([\[\]()!<>])")
RECORD_TYPES = {DocType.PATENT, DocType.DEMAND, DocType.AGENCY}


def md(text: str) -> str:
    """``text`` escaped so that ``st.markdown`` shows it literally (line breaks kept)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def defang(text: str) -> str:
    """``text`` with link, image and HTML syntax escaped, other Markdown kept.

    For text we compose in Markdown (an answer's bold titles and lists) around sentences
    quoted from records: the formatting stays, a link or image in a quote does not.
    """
    return LINK_SYNTAX.sub(r"\\\1", text)


def cite(chunk: Chunk) -> str:
    """Where a passage is from, for readers: 《title》 article (region · date), or a record's number."""
    if chunk.doc_type in RECORD_TYPES:
        return f"《{chunk.title}》（编号 {chunk.doc_id}）"
    when_where = " · ".join(str(v) for v in (chunk.meta.get("region"), chunk.meta.get("effective_date")) if v)
    return f"《{chunk.title}》{chunk.locator}" + (f"（{when_where}）" if when_where else "")

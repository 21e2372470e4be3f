"""Shows the blocks of a document (a briefing, a disclosure draft) on a page."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from assistant.report.document import Block, BulletList, Image, Paragraph, Table


def show_blocks(blocks: Sequence[Block]) -> None:
    """Tables as data frames, images as images, text as Markdown."""
    for block in blocks:
        if isinstance(block, Table):
            st.dataframe([dict(zip(block.header, row, strict=True)) for row in block.rows], hide_index=True)
        elif isinstance(block, Image):
            st.image(str(block.path))
        elif isinstance(block, BulletList):
            marker = "1." if block.numbered else "-"
            st.markdown("\n".join(f"{marker} {item}" for item in block.items))
        elif isinstance(block, Paragraph):
            st.markdown(f"**{block.text}**" if block.strong else block.text)

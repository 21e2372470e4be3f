"""An answer as a Markdown file a user can keep: the question, the answer and its sources."""

from __future__ import annotations

from assistant.records import Answer
from assistant.report.document import BulletList, Document, Paragraph, Section
from assistant.report.markdown import to_markdown
from ui.markup import cite

__all__ = ["answer_markdown"]


def answer_markdown(question: str, answer: Answer) -> str:
    """Markdown of one answer, its sources named as the page names them (title and article)."""
    sections = [Section("问题", (Paragraph(question),)), Section("回答", (Paragraph(answer.text),))]
    if answer.citations:
        sources = tuple(f"[{c.n}] {cite(c.chunk)}：{c.quote}" for c in answer.citations)
        sections.append(Section("出处", (BulletList(sources),)))
    return to_markdown(Document("科转助手 · 问答记录", sections=tuple(sections)))

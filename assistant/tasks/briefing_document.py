"""A briefing as a document: its sections in reading order, saved as Markdown or Word.

The briefing builds the neutral :class:`~assistant.report.document.Document` once —
overview, figures with what each counts, charts, top pairs, cited policy highlights,
recommended actions and the sources (every cited or named document with its locator) —
and :mod:`assistant.report` writes it. Markdown keeps its charts in ``<name>.charts/``
beside the file; Word embeds them.

Usage example::

    path = save_briefing(briefing, Path("out.docx"))
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

from assistant.errors import InputError
from assistant.report.charts import render_charts
from assistant.report.document import Block, BulletList, Document, Image, Paragraph, Section, Table
from assistant.report.docx import write_docx
from assistant.report.markdown import to_markdown
from assistant.report.slug import slug
from assistant.tasks.briefing import Briefing, Figure

__all__ = ["BriefingFormat", "briefing_document", "briefing_markdown", "default_stem", "save_briefing"]

SAMPLE_NOTE = "本简报统计的成果、需求和机构记录为样例数据（虚构），仅供演示。"
SCALED_REASON = "语义相近度"  # scaled within each candidate list, so the top pair always shows 1.00
REASON_CHARS = 80


class BriefingFormat(StrEnum):
    MD = "md"
    DOCX = "docx"


def _figures(briefing: Briefing) -> list[Block]:
    groups: dict[str, list[Figure]] = {}
    for figure in briefing.figures:
        groups.setdefault(figure.group, []).append(figure)
    totals = groups.pop("总量", [])
    breakdowns = [
        (group, "；".join(f"{f.name.split('：', 1)[1]} {f.value}" for f in members), members[0].counted_over)
        for group, members in groups.items()
    ]
    return [
        Table(
            ("指标", "数值", "统计范围"),
            [(f.name, str(f.value), f.counted_over) for f in totals],
            widths=(0.3, 0.1, 0.6),
        ),
        Paragraph("分项分布（与第三节图表为同一数据）："),
        Table(("分项", "分布", "统计范围"), breakdowns, widths=(0.2, 0.45, 0.35)),
    ]


def _pairs(briefing: Briefing) -> list[Block]:
    if not briefing.pairs:
        return [Paragraph("本期没有达到匹配阈值的供需对。")]
    rows = [
        (
            f"{p.demand.title}（{p.demand.doc_id}）",
            str(p.demand.meta.get("enterprise", "")),
            f"{p.patent.title}（{p.patent.doc_id}）",
            f"{p.score:.2f}",
            "；".join(r for r in p.reasons if not r.startswith(SCALED_REASON))[:REASON_CHARS],
        )
        for p in briefing.pairs
    ]
    return [Table(("需求", "企业", "成果", "匹配度", "主要理由"), rows, widths=(0.22, 0.16, 0.27, 0.09, 0.26))]


def _sources(briefing: Briefing) -> list[Block]:
    cited = [f"[{c.n}] 《{c.chunk.title}》{c.chunk.locator}（{c.chunk.source}）" for c in briefing.citations]
    named = {c.doc_id: c for c in briefing.records}.values()
    records = [f"{c.doc_id}：{c.title}（{c.source} {c.locator}）" for c in named]
    blocks: list[Block] = [BulletList(tuple(cited))] if cited else []
    if records:
        blocks += [Paragraph("统计与建议中提到的记录", strong=True), BulletList(tuple(records))]
    return blocks or [Paragraph("无。")]


def briefing_document(briefing: Briefing, charts: Sequence[Path]) -> Document:
    """The briefing's document; ``charts`` are its rendered chart images, in order."""
    overview: list[Block] = [Paragraph(briefing.narrative)]
    if briefing.notice:
        overview.append(Paragraph(f"注：{briefing.notice}"))
    highlights = [Paragraph(text) for text in (briefing.highlights_note, briefing.highlights) if text]
    actions = tuple(f"{a.text}。理由：{a.reason}。" for a in briefing.actions)
    lead = [
        Paragraph(f"生成日期：{briefing.reference_date.isoformat()}"),
        Paragraph(f"统计范围：{briefing.scope}"),
        Paragraph(f"概述撰写：{briefing.narrative_by}"),
    ]
    if briefing.sample_data:
        lead.append(Paragraph(SAMPLE_NOTE, emphasis=True))
    sections: list[tuple[str, Sequence[Block]]] = [
        ("一、概述", overview),
        ("二、主要数据", _figures(briefing)),
        ("三、图表", [Image(path) for path in charts] or [Paragraph("范围内没有可作图的记录。")]),
        ("四、高匹配供需对", _pairs(briefing)),
        ("五、政策要点", highlights or [Paragraph("知识库中没有找到相关政策依据。")]),
        ("六、建议行动", [BulletList(actions, numbered=True)] if actions else [Paragraph("暂无建议。")]),
        ("七、资料来源", _sources(briefing)),
    ]
    return Document(
        briefing.title, tuple(Section(heading, tuple(blocks)) for heading, blocks in sections), lead=tuple(lead)
    )


def briefing_markdown(briefing: Briefing, charts: Sequence[Path], *, relative_to: Path | None = None) -> str:
    """The briefing as Markdown; chart paths are written relative to ``relative_to``."""
    return to_markdown(briefing_document(briefing, charts), relative_to=relative_to)


def default_stem(briefing: Briefing) -> str:
    """A file name (without suffix) from the title and date: "人工智能领域可转化成果简报-20261128"."""
    return f"{slug(briefing.title, fallback='简报')}-{briefing.reference_date:%Y%m%d}"


def save_briefing(briefing: Briefing, path: Path, fmt: BriefingFormat | None = None) -> Path:
    """Write the briefing to ``path``; Markdown puts its charts in ``<name>.charts/`` beside it.

    :param fmt: ``md`` or ``docx``; by default, from the file's suffix.
    :raises InputError: the format cannot be told or is not supported.
    """
    try:
        fmt = fmt or BriefingFormat(path.suffix.lstrip(".").lower())
    except ValueError:
        raise InputError(f"不支持的简报格式：{path.suffix or '（无后缀）'}；请用 .md 或 .docx") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt is BriefingFormat.MD:
        charts = render_charts(briefing.charts, path.with_name(f"{path.stem}.charts"))
        path.write_text(briefing_markdown(briefing, charts, relative_to=path.parent), encoding="utf-8")
        return path
    with tempfile.TemporaryDirectory() as folder:
        write_docx(briefing_document(briefing, render_charts(briefing.charts, Path(folder))), path)
    return path

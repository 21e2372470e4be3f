"""A briefing as Markdown (charts beside it) or as a Word document (charts embedded).

Both formats carry the same sections, built once by :func:`sections`: overview, figures
with what each counts, charts, top pairs, cited policy highlights, recommended actions
and the sources (every cited or named document with its locator).

Usage example::

    path = save_briefing(briefing, Path("out.docx"))
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from assistant.errors import InputError
from assistant.report.charts import render_charts
from assistant.tasks.briefing import Briefing
from assistant.tasks.briefing_figures import Figure

__all__ = ["Block", "BriefingFormat", "Table", "briefing_markdown", "default_stem", "save_briefing", "sections"]

SAMPLE_NOTE = "本简报统计的成果、需求和机构记录为样例数据（虚构），仅供演示。"
DOCX_FONT = "宋体"
DOCX_TEXT_WIDTH_CM = 16.0
SCALED_REASON = "语义相近度"  # scaled within each candidate list, so the top pair always shows 1.00
REASON_CHARS = 80


class BriefingFormat(StrEnum):
    MD = "md"
    DOCX = "docx"


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    widths: tuple[float, ...] = ()  # shares of the page width in Word; equal when empty


Block = str | Table | Path  # a paragraph ("- " bullet, "1. " numbered), a table or a chart image
Section = tuple[str, list[Block]]


def sections(briefing: Briefing, charts: list[Path]) -> list[Section]:
    """The briefing's sections in reading order."""
    overview: list[Block] = [briefing.narrative]
    if briefing.notice:
        overview.append(f"注：{briefing.notice}")
    groups: dict[str, list[Figure]] = {}
    for figure in briefing.figures:
        groups.setdefault(figure.group, []).append(figure)
    totals = groups.pop("总量", [])
    figures: list[Block] = [
        Table(
            ("指标", "数值", "统计范围"),
            [(f.name, str(f.value), f.counted_over) for f in totals],
            widths=(0.3, 0.1, 0.6),
        )
    ]
    breakdowns = [
        (group, "；".join(f"{f.name.split('：', 1)[1]} {f.value}" for f in members), members[0].counted_over)
        for group, members in groups.items()
    ]
    figures.append("分项分布（与第三节图表为同一数据）：")
    figures.append(Table(("分项", "分布", "统计范围"), breakdowns, widths=(0.2, 0.45, 0.35)))
    pairs: list[Block] = (
        [
            Table(
                ("需求", "企业", "成果", "匹配度", "主要理由"),
                [
                    (
                        f"{p.demand.title}（{p.demand.doc_id}）",
                        str(p.demand.meta.get("enterprise", "")),
                        f"{p.patent.title}（{p.patent.doc_id}）",
                        f"{p.score:.2f}",
                        "；".join(r for r in p.reasons if not r.startswith(SCALED_REASON))[:REASON_CHARS],
                    )
                    for p in briefing.pairs
                ],
                widths=(0.22, 0.16, 0.27, 0.09, 0.26),
            )
        ]
        if briefing.pairs
        else ["本期没有达到匹配阈值的供需对。"]
    )
    highlights: list[Block] = [briefing.highlights_note] if briefing.highlights_note else []
    highlights += [briefing.highlights] if briefing.highlights else []
    actions: list[Block] = [f"{n}. {a.text}。理由：{a.reason}。" for n, a in enumerate(briefing.actions, start=1)]
    cited = [f"- [{c.n}] 《{c.chunk.title}》{c.chunk.locator}（{c.chunk.source}）" for c in briefing.citations]
    named = {c.doc_id: c for c in briefing.records}.values()
    records = [f"- {c.doc_id}：{c.title}（{c.source} {c.locator}）" for c in named]
    records = ["**统计与建议中提到的记录**", *records] if records else []
    return [
        ("一、概述", overview),
        ("二、主要数据", figures),
        ("三、图表", list(charts) or ["范围内没有可作图的记录。"]),
        ("四、高匹配供需对", pairs),
        ("五、政策要点", highlights or ["知识库中没有找到相关政策依据。"]),
        ("六、建议行动", actions or ["暂无建议。"]),
        ("七、资料来源", [*cited, *records] or ["无。"]),
    ]


def _header(briefing: Briefing) -> list[str]:
    lines = [
        f"生成日期：{briefing.reference_date.isoformat()}",
        f"统计范围：{briefing.scope}",
        f"概述撰写：{briefing.narrative_by}",
    ]
    return [*lines, SAMPLE_NOTE] if briefing.sample_data else lines


def _escape(cell: str) -> str:
    return cell.replace("|", "／").replace("\n", " ")


def briefing_markdown(briefing: Briefing, charts: list[Path], *, relative_to: Path | None = None) -> str:
    """The briefing as Markdown; chart paths are written relative to ``relative_to``."""
    lines = [f"# {briefing.title}", "", *(f"> {line}" for line in _header(briefing)), ""]
    for heading, blocks in sections(briefing, charts):
        lines += [f"## {heading}", ""]
        for block in blocks:
            if isinstance(block, Table):
                lines.append("| " + " | ".join(block.header) + " |")
                lines.append("|" + "---|" * len(block.header))
                lines += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in block.rows]
            elif isinstance(block, Path):
                shown = block.relative_to(relative_to) if relative_to else block
                lines.append(f"![{block.stem}]({shown.as_posix()})")
            else:
                lines.append(block)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def default_stem(briefing: Briefing) -> str:
    """A file name (without suffix) from the title and date: "人工智能领域可转化成果简报-20261128"."""
    slug = re.sub(r"[^\w\u4e00-\u9fff-]+", "-", briefing.title)[:40].strip("-") or "简报"
    return f"{slug}-{briefing.reference_date:%Y%m%d}"


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
        _write_docx(briefing, render_charts(briefing.charts, Path(folder)), path)
    return path


def _write_docx(briefing: Briefing, charts: list[Path], path: Path) -> None:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Cm

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), DOCX_FONT)  # Chinese text takes the East Asian font
    document.add_heading(briefing.title, level=0)
    for line in _header(briefing):
        document.add_paragraph(line, style="Intense Quote" if line == SAMPLE_NOTE else None)
    for heading, blocks in sections(briefing, charts):
        document.add_heading(heading, level=1)
        for block in blocks:
            if isinstance(block, Table):
                _add_table(document, block)
            elif isinstance(block, Path):
                document.add_picture(str(block), width=Cm(15))
            elif block.startswith("- "):
                document.add_paragraph(block[2:], style="List Bullet")
            elif block[:1].isdigit() and ". " in block[:4]:
                document.add_paragraph(block.split(". ", 1)[1], style="List Number")
            else:
                document.add_paragraph(block.replace("**", ""))
    document.save(str(path))


def _add_table(document: Any, block: Table) -> None:
    from docx.shared import Cm

    table = document.add_table(rows=1, cols=len(block.header), style="Light Grid Accent 1")
    table.autofit = False
    widths = block.widths or tuple(1 / len(block.header) for _ in block.header)
    for column, share in zip(table.columns, widths, strict=True):  # the grid, which LibreOffice reads
        column.width = Cm(DOCX_TEXT_WIDTH_CM * share)
    for row_cells, texts in [(table.rows[0].cells, block.header), *((table.add_row().cells, r) for r in block.rows)]:
        for cell, text, share in zip(row_cells, texts, widths, strict=True):
            cell.text = text
            cell.width = Cm(DOCX_TEXT_WIDTH_CM * share)

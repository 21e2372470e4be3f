"""The Markdown writer: blocks as Markdown, front matter that the loader reads back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest.loaders.markdown import parse_front_matter
from assistant.report.document import BulletList, Document, Image, Paragraph, Section, Table
from assistant.report.markdown import to_markdown


def one_section(*blocks: Paragraph | BulletList | Table | Image) -> Document:
    return Document("标题", (Section("一节", blocks),))


class TestToMarkdown:
    @pytest.mark.parametrize(
        "title",
        [
            "压电贴片: 一种低功耗测温方法",
            "[草稿] 一种测温方法",
            "{a: 1}",
            "- 列表开头",
            "true",
            "2025-03-15",
            "# 井号 & *星号* ! '单引号' \"双引号\"",
        ],
    )
    def test_front_matter_reads_back_what_was_written(self, title: str) -> None:
        front = {"title": title, "visibility": "confidential", "owner": "r-zhou"}
        text = to_markdown(one_section(Paragraph("正文")), front_matter=front)
        read, body = parse_front_matter(text, "draft.md")
        assert read == front
        assert body.startswith("# 标题\n")

    def test_front_matter_value_with_line_break_cannot_add_a_key(self) -> None:
        front = {"owner": "r-evil\nvisibility: public", "visibility": "confidential"}
        read, _ = parse_front_matter(to_markdown(one_section(), front_matter=front), "draft.md")
        assert read == front

    def test_without_front_matter_the_text_starts_with_the_title(self) -> None:
        assert to_markdown(one_section()).startswith("# 标题\n")

    def test_blocks(self, tmp_path: Path) -> None:
        document = Document(
            "标题",
            (
                Section(
                    "一节",
                    (
                        Paragraph("小标题", strong=True),
                        BulletList(("甲", "乙\n续行")),
                        BulletList(("一", "二"), numbered=True),
                        Table(("项目", "内容"), [("a|b", "第一行\n第二行")]),
                        Image(tmp_path / "charts" / "chart-1.png"),
                    ),
                ),
            ),
            lead=(Paragraph("生成日期：2025-01-01"), Paragraph("统计范围：全部")),
        )
        text = to_markdown(document, relative_to=tmp_path)
        assert "> 生成日期：2025-01-01\n> 统计范围：全部\n" in text
        assert "## 一节\n\n**小标题**\n\n- 甲\n- 乙 续行\n\n1. 一\n2. 二\n" in text
        assert "| 项目 | 内容 |\n|---|---|\n| a／b | 第一行 第二行 |\n" in text
        assert "![chart-1](charts/chart-1.png)" in text

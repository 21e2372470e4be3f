"""The Word writer: headings, lists, tables with their widths, embedded images, the Chinese font."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.shared import Cm

from assistant.report.charts import render_chart
from assistant.report.document import BulletList, Document, Image, Paragraph, Section, Table
from assistant.report.docx import DOCX_FONT, DOCX_TEXT_WIDTH_CM, write_docx
from assistant.tasks.briefing import Chart


@pytest.fixture
def written(tmp_path: Path) -> docx.document.Document:
    chart = render_chart(Chart("成果按法律状态", ("授权", "有效"), {"成果": (3, 2)}), tmp_path / "chart.png")
    document = Document(
        "科技成果披露摘要：示例",
        (
            Section(
                "基本信息",
                (Table(("项目", "内容"), [("成果类型", "专利")], widths=(0.25, 0.75)), Paragraph("来源", strong=True)),
            ),
            Section("关键创新点", (BulletList(("甲", "乙"), numbered=True), BulletList(("丙",)))),
            Section("图表", (Image(chart),)),
        ),
        lead=(Paragraph("生成日期：2025-01-01"), Paragraph("样例数据", emphasis=True)),
    )
    return docx.Document(str(write_docx(document, tmp_path / "out.docx")))


class TestWriteDocx:
    def test_headings_and_lead(self, written: docx.document.Document) -> None:
        styled = [(p.style.name, p.text) for p in written.paragraphs if p.style is not None]
        assert styled[0] == ("Title", "科技成果披露摘要：示例")
        assert ("Intense Quote", "样例数据") in styled
        assert [t for s, t in styled if s == "Heading 1"] == ["基本信息", "关键创新点", "图表"]

    def test_lists_and_strong_paragraph(self, written: docx.document.Document) -> None:
        styled = [(p.style.name, p.text) for p in written.paragraphs if p.style is not None]
        assert ("List Number", "甲") in styled and ("List Number", "乙") in styled and ("List Bullet", "丙") in styled
        strong = next(p for p in written.paragraphs if p.text == "来源")
        assert all(run.bold for run in strong.runs)
        assert not any("**" in p.text for p in written.paragraphs)

    def test_table_has_its_column_widths(self, written: docx.document.Document) -> None:
        table = written.tables[0]
        assert [c.text for c in table.rows[1].cells] == ["成果类型", "专利"]
        expected = pytest.approx([Cm(DOCX_TEXT_WIDTH_CM * share) for share in (0.25, 0.75)], abs=Cm(0.01))
        assert [column.width for column in table.columns] == expected  # Word stores twips: within 0.1 mm
        assert [cell.width for cell in table.rows[1].cells] == expected

    def test_image_is_embedded_and_font_is_chinese(self, written: docx.document.Document) -> None:
        assert len(written.inline_shapes) == 1
        fonts = written.styles["Normal"].element.rPr.rFonts
        assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == DOCX_FONT

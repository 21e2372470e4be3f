"""Every loader on real files written by the test, including broken ones."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import openpyxl
import pytest

from assistant.errors import CorruptFileError, EncodingError, InvalidValueError, UnknownColumnsError
from assistant.ingest.loaders import (
    CsvLoader,
    DocxLoader,
    FileRef,
    HtmlLoader,
    JsonlLoader,
    MarkdownLoader,
    PdfLoader,
    TextLoader,
    XlsxLoader,
)
from assistant.records import DocType, Visibility


def ref(path: Path, doc_type: DocType | None = None) -> FileRef:
    return FileRef(path, path.name, doc_type)


def make_pdf(path: Path, text: str) -> Path:
    """A minimal valid one-page PDF with ``text`` in Helvetica (ASCII)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


class TestTextLoader:
    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
    def test_load_decodes_chinese_encodings(self, tmp_path: Path, encoding: str) -> None:
        path = tmp_path / "notice.txt"
        path.write_bytes("关于职务科技成果披露的通知\n完成人应当及时报告。".encode(encoding))
        (document,) = TextLoader().load(ref(path))
        assert document.title == "关于职务科技成果披露的通知"
        assert "完成人应当及时报告" in document.text

    def test_load_binary_file_renamed_txt_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "image.txt"
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
        with pytest.raises(CorruptFileError, match="二进制"):
            TextLoader().load(ref(path))

    def test_load_undecodable_text_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.txt"
        path.write_bytes(b"\xff\xfe\xfa\xfb" * 10)
        with pytest.raises(EncodingError, match="编码"):
            TextLoader().load(ref(path))


class TestMarkdownLoader:
    def test_load_reads_front_matter(self, tmp_path: Path) -> None:
        path = tmp_path / "guide.md"
        path.write_text(
            "---\ntitle: 披露指南\nissuer: 测试组\ndoc_no: 沪科规〔2023〕9号\neffective_date: 2023-08-08\n"
            "visibility: internal\nsources:\n  - 条例第五条\n  - 条例第八条\n---\n# 披露指南\n\n## 何时披露\n尽快。\n",
            encoding="utf-8",
        )
        (document,) = MarkdownLoader().load(ref(path, DocType.POLICY))
        assert document.title == "披露指南"
        assert document.visibility is Visibility.INTERNAL
        assert document.meta["doc_no"] == "沪科规〔2023〕9号"
        assert document.meta["effective_date"] == "2023-08-08"
        assert document.meta["sources"] == "条例第五条；条例第八条"
        assert document.markdown and "## 何时披露" in document.text

    def test_load_bad_visibility_is_an_error(self, tmp_path: Path) -> None:
        path = tmp_path / "x.md"
        path.write_text("---\nvisibility: secret\n---\n正文", encoding="utf-8")
        with pytest.raises(CorruptFileError, match="visibility"):
            MarkdownLoader().load(ref(path))

    def test_load_unknown_doc_type_is_a_file_error_naming_the_choices(self, tmp_path: Path) -> None:
        path = tmp_path / "x.md"
        path.write_text("---\ndoc_type: poem\n---\n正文", encoding="utf-8")
        with pytest.raises(CorruptFileError, match=r"doc_type.*poem.*policy"):
            MarkdownLoader().load(ref(path))


class TestPdfLoader:
    def test_load_extracts_text(self, tmp_path: Path) -> None:
        path = make_pdf(tmp_path / "license.pdf", "Patent license agreement article 5")
        (document,) = PdfLoader().load(ref(path))
        assert "Patent license agreement" in document.text
        assert document.meta["pages"] == 1

    def test_load_corrupt_pdf_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "broken.pdf"
        path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage" + bytes(200))
        with pytest.raises(CorruptFileError, match="PDF"):
            PdfLoader().load(ref(path))


class TestDocxLoader:
    def test_load_keeps_headings_and_tables(self, tmp_path: Path) -> None:
        document = docx.Document()
        document.add_heading("技术合同指南", level=0)
        document.add_heading("合同类型", level=1)
        document.add_paragraph("技术合同包括技术开发、转让、许可、咨询和服务合同。")
        table = document.add_table(rows=1, cols=2)
        table.rows[0].cells[0].text = "支付方式"
        table.rows[0].cells[1].text = "提成支付"
        path = tmp_path / "contract.docx"
        document.save(str(path))
        (loaded,) = DocxLoader().load(ref(path))
        assert loaded.title == "技术合同指南"
        assert "## 合同类型" in loaded.text and "支付方式 | 提成支付" in loaded.text

    def test_load_not_a_docx(self, tmp_path: Path) -> None:
        path = tmp_path / "fake.docx"
        path.write_text("plain text", encoding="utf-8")
        with pytest.raises(CorruptFileError, match="Word"):
            DocxLoader().load(ref(path))


class TestHtmlLoader:
    def test_load_visible_text_with_headings(self, tmp_path: Path) -> None:
        path = tmp_path / "page.html"
        path.write_text(
            "<html><head><title>开放许可说明</title><script>var x=1;</script></head>"
            "<body><nav>首页</nav><h2>如何声明</h2><p>专利权人提交书面声明。</p></body></html>",
            encoding="utf-8",
        )
        (document,) = HtmlLoader().load(ref(path))
        assert document.title == "开放许可说明"
        assert "## 如何声明" in document.text and "书面声明" in document.text
        assert "var x" not in document.text and "首页" not in document.text


class TestTabularLoaders:
    HEADER = ("申请号", "名称", "摘要", "申请人", "IPC分类号", "备注")
    ROWS = (
        ("CN202310900001.1", "一种隔膜", "本发明公开了一种隔膜。", "示例理工大学", "H01M 50/403", "甲"),
        ("CN202310900002.2", "一种检测方法", "本发明公开了一种检测方法。", "示例大学", "G06T 7/00", "乙"),
    )

    def test_csv_maps_chinese_headers_and_keeps_unknown_columns(self, tmp_path: Path) -> None:
        path = tmp_path / "patents.csv"
        lines = [",".join(self.HEADER)] + [",".join(r) for r in self.ROWS]
        path.write_text("\n".join(lines), encoding="utf-8-sig")
        documents = CsvLoader().load(ref(path))
        assert [d.doc_id for d in documents] == ["CN202310900001.1", "CN202310900002.2"]
        assert documents[0].doc_type is DocType.PATENT and documents[0].is_record
        assert documents[0].meta["applicant"] == "示例理工大学"
        assert documents[0].meta["备注"] == "甲"
        assert "h01m" not in documents[0].text and "H01M 50/403" in documents[0].context

    def test_csv_in_gbk(self, tmp_path: Path) -> None:
        path = tmp_path / "patents.csv"
        path.write_bytes(("\n".join([",".join(self.HEADER), ",".join(self.ROWS[0])])).encode("gbk"))
        (document,) = CsvLoader().load(ref(path))
        assert document.title == "一种隔膜"

    def test_csv_english_headers(self, tmp_path: Path) -> None:
        path = tmp_path / "p.csv"
        path.write_text("publication_number,title,ipc_subclasses\nCN1A,一种水处理装置,C02F\n", encoding="utf-8")
        (document,) = CsvLoader().load(ref(path, DocType.PATENT))
        assert document.doc_id == "CN1A" and document.meta["ipc"] == "C02F"

    def test_csv_without_text_column_names_file_and_columns(self, tmp_path: Path) -> None:
        path = tmp_path / "numbers.csv"
        path.write_text("编号,数量,单价\n1,2,3\n", encoding="utf-8")
        with pytest.raises(UnknownColumnsError) as info:
            CsvLoader().load(ref(path))
        assert "numbers.csv" in str(info.value) and "数量" in str(info.value) and "单价" in str(info.value)

    def test_xlsx_with_chinese_headers(self, tmp_path: Path) -> None:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["需求编号", "需求名称", "企业名称", "问题描述", "预算区间"])
        sheet.append(["D-1", "耐高温隔膜", "示例新能源有限公司", "电池夏天容易鼓包。", "50-100万元"])
        path = tmp_path / "demands.xlsx"
        workbook.save(path)
        (document,) = XlsxLoader().load(ref(path))
        assert document.doc_type is DocType.DEMAND and document.doc_id == "D-1"
        assert "鼓包" in document.text and document.meta["budget"] == "50-100万元"

    def test_xlsx_corrupt(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.xlsx"
        path.write_bytes(b"PK\x03\x04 not really a zip")
        with pytest.raises(CorruptFileError, match="Excel"):
            XlsxLoader().load(ref(path))

    def test_jsonl_agency_rows_parse_flags_and_scores(self, tmp_path: Path) -> None:
        row = {
            "机构编号": "A-1",
            "机构名称": "示例评估公司",
            "机构简介": "专利价值评估。",
            "是否白名单": "是",
            "服务能力": "91",
        }
        path = tmp_path / "agencies.jsonl"
        path.write_text(json.dumps(row, ensure_ascii=False) + "\n\n", encoding="utf-8")
        (document,) = JsonlLoader().load(ref(path))
        assert document.doc_type is DocType.AGENCY
        assert document.meta["whitelisted"] is True and document.meta["capability"] == 91.0

    def test_jsonl_bad_line(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.jsonl"
        path.write_text('{"标题": "a"}\n{oops\n', encoding="utf-8")
        with pytest.raises(CorruptFileError, match="第 2 行"):
            JsonlLoader().load(ref(path))

    @pytest.mark.parametrize(
        ("column", "cell", "expected"),
        [("服务能力", "很高", "应为数字"), ("服务能力", "120", "不应大于 100"), ("是否白名单", "也许", "是 或 否")],
    )
    def test_invalid_cell_names_row_column_and_expectation(
        self, tmp_path: Path, column: str, cell: str, expected: str
    ) -> None:
        path = tmp_path / "agencies.csv"
        path.write_text(
            f"机构编号,机构名称,机构简介,{column}\nA-0,示例甲,评估,\nA-1,示例乙,评估,{cell}\n", encoding="utf-8"
        )
        with pytest.raises(InvalidValueError) as info:
            CsvLoader().load(ref(path, DocType.AGENCY))
        assert (info.value.row, info.value.column) == (2, column)
        assert f"“{cell}”" in str(info.value) and expected in str(info.value) and "agencies.csv" in str(info.value)

"""Tables: ``.csv``, ``.xlsx`` and ``.jsonl``. Every row becomes one record document."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any, ClassVar

from assistant.errors import CorruptFileError
from assistant.ingest.encoding import read_text
from assistant.ingest.loaders.base import FileRef
from assistant.ingest.schema import rows_to_documents
from assistant.records import SourceDocument

__all__ = ["CsvLoader", "JsonlLoader", "XlsxLoader"]

Row = dict[str, Any]


class _TableLoader:
    def rows(self, path: Path) -> list[Row]:
        raise NotImplementedError

    def load(self, ref: FileRef) -> list[SourceDocument]:
        rows = self.rows(ref.path)
        if not rows:
            raise CorruptFileError(ref.path, "表格没有数据行")
        return rows_to_documents(rows, source=str(ref.path), doc_type=ref.doc_type, id_prefix=ref.doc_id)


class CsvLoader(_TableLoader):
    """CSV in UTF-8, UTF-8 BOM (Excel's default) or GBK; the first row is the header."""

    extensions: ClassVar[tuple[str, ...]] = (".csv",)

    def rows(self, path: Path) -> list[Row]:
        text = read_text(path)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel  # type: ignore[assignment]
        try:
            return [dict(row) for row in csv.DictReader(io.StringIO(text), dialect=dialect)]
        except csv.Error as exc:
            raise CorruptFileError(path, f"CSV 格式错误：{exc}") from None


class XlsxLoader(_TableLoader):
    """Excel workbooks; every sheet is read, its first non-empty row is the header."""

    extensions: ClassVar[tuple[str, ...]] = (".xlsx",)

    def rows(self, path: Path) -> list[Row]:
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise CorruptFileError(path, f"Excel 文件已损坏或不是 .xlsx（{type(exc).__name__}）") from None
        rows: list[Row] = []
        try:
            for sheet in workbook.worksheets:
                values = [row for row in sheet.iter_rows(values_only=True) if any(c not in (None, "") for c in row)]
                if not values:
                    continue
                header = [str(c).strip() if c is not None else "" for c in values[0]]
                rows.extend({h: c for h, c in zip(header, row, strict=False) if h} for row in values[1:])
        finally:
            workbook.close()
        return rows


class JsonlLoader(_TableLoader):
    """JSON Lines: one object per line; blank lines are skipped."""

    extensions: ClassVar[tuple[str, ...]] = (".jsonl",)

    def rows(self, path: Path) -> list[Row]:
        rows: list[Row] = []
        for number, line in enumerate(read_text(path).splitlines(), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorruptFileError(path, f"第 {number} 行不是有效的 JSON：{exc.msg}") from None
            if not isinstance(value, dict):
                raise CorruptFileError(path, f"第 {number} 行应为 JSON 对象")
            rows.append(
                {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v) for k, v in value.items()}
            )
        return rows

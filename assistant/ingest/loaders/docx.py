"""Word ``.docx`` files, through python-docx; Word headings become Markdown headings."""

from __future__ import annotations

import re
import zipfile
from typing import ClassVar

from assistant.errors import CorruptFileError
from assistant.ingest.loaders.base import FileRef
from assistant.records import DocType, SourceDocument

__all__ = ["DocxLoader"]

HEADING_STYLE = re.compile(r"(?:Heading|标题)\s*(\d)")


class DocxLoader:
    """One document per file. Tables are kept, one row per line with cells joined by ' | '."""

    extensions: ClassVar[tuple[str, ...]] = (".docx",)

    def load(self, ref: FileRef) -> list[SourceDocument]:
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            document = docx.Document(str(ref.path))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise CorruptFileError(ref.path, f"Word 文件已损坏或不是 .docx（{type(exc).__name__}）") from None
        lines: list[str] = []
        title = (document.core_properties.title or "").strip()
        for paragraph in document.paragraphs:
            text = paragraph.text.strip()
            if not text:
                continue
            style = paragraph.style.name if paragraph.style is not None else ""
            level = HEADING_STYLE.match(style or "")
            if style == "Title":
                title = title or text
                lines.append(f"# {text}")
            elif level:
                lines.append(f"{'#' * (int(level.group(1)) + 1)} {text}")
            else:
                lines.append(text)
        for table in document.tables:
            for row in table.rows:
                lines.append(" | ".join(cell.text.strip() for cell in row.cells))
        body = "\n\n".join(lines)
        if not body.strip():
            raise CorruptFileError(ref.path, "Word 文件没有文字")
        return [
            SourceDocument(
                doc_id=ref.doc_id,
                doc_type=ref.doc_type or DocType.POLICY,
                title=title or ref.path.stem,
                text=body,
                source=str(ref.path),
                markdown=True,
            )
        ]

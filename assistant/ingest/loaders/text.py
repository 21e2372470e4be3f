"""Plain ``.txt`` files in UTF-8 (with or without BOM) or GBK/GB18030."""

from __future__ import annotations

from typing import ClassVar

from assistant.errors import CorruptFileError
from assistant.ingest.encoding import read_text
from assistant.ingest.loaders.base import FileRef
from assistant.records import DocType, SourceDocument

__all__ = ["TextLoader"]

MAX_TITLE_CHARS = 60


class TextLoader:
    """One document per file; its first short line is taken as the title."""

    extensions: ClassVar[tuple[str, ...]] = (".txt",)

    def load(self, ref: FileRef) -> list[SourceDocument]:
        text = read_text(ref.path).strip()
        if not text:
            raise CorruptFileError(ref.path, "文件为空")
        first_line = text.splitlines()[0].strip()
        title = first_line if len(first_line) <= MAX_TITLE_CHARS else ref.path.stem
        return [
            SourceDocument(
                doc_id=ref.doc_id,
                doc_type=ref.doc_type or DocType.POLICY,
                title=title,
                text=text,
                source=str(ref.path),
            )
        ]

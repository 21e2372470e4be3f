"""PDF files, through pypdf. Scanned PDFs without a text layer are refused, not indexed empty."""

from __future__ import annotations

from typing import ClassVar

from assistant.errors import CorruptFileError
from assistant.ingest.loaders.base import FileRef
from assistant.records import DocType, SourceDocument

__all__ = ["PdfLoader"]


class PdfLoader:
    """One document per PDF, pages joined by blank lines."""

    extensions: ClassVar[tuple[str, ...]] = (".pdf",)

    def load(self, ref: FileRef) -> list[SourceDocument]:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            reader = PdfReader(ref.path)
            pages = [page.extract_text() or "" for page in reader.pages]
            meta_title = reader.metadata.title if reader.metadata else None
        except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
            raise CorruptFileError(ref.path, f"PDF 已损坏或无法解析（{type(exc).__name__}）") from None
        text = "\n\n".join(p.strip() for p in pages if p.strip())
        if not text:
            raise CorruptFileError(ref.path, "PDF 中没有可提取的文字（可能是扫描件）")
        return [
            SourceDocument(
                doc_id=ref.doc_id,
                doc_type=ref.doc_type or DocType.POLICY,
                title=(meta_title or "").strip() or ref.path.stem,
                text=text,
                source=str(ref.path),
                meta={"pages": len(pages)},
            )
        ]

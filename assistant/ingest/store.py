"""Store (or withdraw) one file a task wrote (a disclosure draft) through the same pipeline as any ingest.

It is the only part of ingest a task may call (the import-linter contracts in
pyproject.toml say so): the task hands over a written file and learns whether it is now
searchable, without reaching into loaders, splitter or manifest.

Usage example::

    store_file(index, Path(".kezhuan/disclosures/r-001-xx.md"), DocType.DISCLOSURE)
"""

from __future__ import annotations

from pathlib import Path

from assistant.errors import KezhuanError, StoreError
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.ingest.pipeline import Ingestor, manifest_key
from assistant.records import DocType

__all__ = ["remove_file", "store_file"]


def store_file(index: KnowledgeIndex, path: Path, doc_type: DocType, *, wait: float = 0.0) -> None:
    """Index ``path`` as ``doc_type``; a file that could not be indexed is an error, never a silent miss.

    :param wait: seconds to wait while another process is writing the index.
    :raises StoreError: the file is not in the index (the message says why, not where the file is).
    """
    report = Ingestor(index).ingest([path], doc_type=doc_type, wait=wait)
    if report.errors:
        raise StoreError(report.errors[0].error)
    if report.files_indexed + report.files_unchanged != 1:
        raise StoreError("索引没有收录该文件")


def remove_file(index: KnowledgeIndex, path: Path, *, wait: float = 0.0) -> None:
    """Delete ``path`` and take its chunks out of the index (a withdrawn draft).

    The file goes first: if the index cannot be written, the text is already gone from disk
    and the next call (or ingest) removes what is left in the index.

    :raises StoreError: the file could not be deleted or the index could not be written.
    """
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise StoreError(f"无法删除文件（{exc.strerror or exc}）") from None
    try:
        Ingestor(index).forget([manifest_key(path, path.parent)], wait=wait)
    except KezhuanError as exc:
        raise StoreError(f"文件已删除，但索引未能更新：{exc}") from exc

"""Store one file a task wrote (a disclosure draft) through the same pipeline as any ingest.

It is the only part of ingest a task may call (the import-linter contracts in
pyproject.toml say so): the task hands over a written file and learns whether it is now
searchable, without reaching into loaders, splitter or manifest.

Usage example::

    store_file(index, Path(".kezhuan/disclosures/r-001-xx.md"), DocType.DISCLOSURE)
"""

from __future__ import annotations

from pathlib import Path

from assistant.errors import StoreError
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.ingest.pipeline import Ingestor
from assistant.records import DocType

__all__ = ["store_file"]


def store_file(index: KnowledgeIndex, path: Path, doc_type: DocType) -> None:
    """Index ``path`` as ``doc_type``; a file that could not be indexed is an error, never a silent miss.

    :raises StoreError: the file was written but is not in the index (the message names the file and why).
    """
    report = Ingestor(index).ingest([path], doc_type=doc_type)
    if report.errors:
        raise StoreError(f"已写入 {path}，但未能存入索引：{report.errors[0].error}")

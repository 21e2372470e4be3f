"""What every loader is: a callable from one file to the documents it holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol

from assistant.records import DocType, SourceDocument

__all__ = ["FileRef", "Loader"]


@dataclass(frozen=True)
class FileRef:
    """A file to load and the identity it gets in the index.

    ``doc_id`` is the path relative to the ingested root (stable across machines);
    ``doc_type`` comes from ``--type`` or the folder name, ``None`` when neither says.
    """

    path: Path
    doc_id: str
    doc_type: DocType | None


class Loader(Protocol):
    """Loads one kind of file. Raise an ``IngestError`` subclass for a bad file."""

    extensions: ClassVar[tuple[str, ...]]

    def load(self, ref: FileRef) -> list[SourceDocument]: ...

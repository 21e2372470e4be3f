"""The one small interface both stores implement (dense Chroma, keyword BM25)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from assistant.index.visibility import SearchFilter
from assistant.records import Chunk, Hit

__all__ = ["ChunkStore"]


class ChunkStore(Protocol):
    """Write, delete, count and search chunks. Ids are ``Chunk.id``."""

    def write(self, chunks: Sequence[Chunk]) -> int:
        """Add or replace chunks; returns how many were written."""
        ...

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks by id; unknown ids are ignored."""
        ...

    def count(self) -> int: ...

    def ids(self) -> set[str]:
        """Every stored chunk id (used to check that the stores agree)."""
        ...

    def search(self, query: str, k: int, search_filter: SearchFilter | None = None) -> list[Hit]:
        """Best ``k`` allowed chunks, best first; chunks that do not match at all are left out."""
        ...

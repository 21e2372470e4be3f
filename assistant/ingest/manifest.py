"""The manifest: which file produced which chunks, and from which content.

It is what makes ingest incremental (a file whose fingerprint is unchanged is skipped)
and repairable (after a crash, entries that disagree with the vector store are redone).
It is kept as one JSON record in Chroma beside the chunks (``KnowledgeIndex.read_manifest``),
written whole, so every app instance on a Chroma server reads the same one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Protocol

from assistant.errors import StoreError

__all__ = ["Manifest", "ManifestEntry"]

MANIFEST_VERSION = 1


class ManifestStore(Protocol):
    """Where the manifest is kept (the ``KnowledgeIndex``)."""

    def read_manifest(self) -> str | None: ...

    def write_manifest(self, text: str) -> None: ...


@dataclass
class ManifestEntry:
    """One ingested file: its fingerprint, type, the chunk ids it owns and when it was indexed."""

    fingerprint: str
    doc_type: str
    chunk_ids: list[str] = field(default_factory=list)
    indexed_at: str = ""  # ISO time in UTC; empty for entries written before it was recorded


@dataclass
class Manifest:
    """All ingested files, keyed by absolute path, plus the embedding model they used.

    ``failures`` holds the last ingest error of each file that had one (a file that never
    indexed, or a changed file whose old chunks still serve), for the knowledge workbench.
    """

    store: ManifestStore
    embeddings: str = ""
    files: dict[str, ManifestEntry] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, store: ManifestStore) -> Manifest:
        """Read the manifest from ``store``; none yet is an empty manifest.

        :raises StoreError: the stored text is not a manifest.
        """
        text = store.read_manifest()
        if text is None:
            return cls(store)
        try:
            data = json.loads(text)
            files = {k: ManifestEntry(**v) for k, v in data.get("files", {}).items()}
        except (ValueError, TypeError, AttributeError) as exc:
            raise StoreError(f"索引清单已损坏：{exc}；请运行 kezhuan ingest --reset 重建") from exc
        failures = {str(k): str(v) for k, v in data.get("failures", {}).items()}
        return cls(store, embeddings=str(data.get("embeddings", "")), files=files, failures=failures)

    def save(self) -> None:
        payload = {
            "version": MANIFEST_VERSION,
            "embeddings": self.embeddings,
            "files": {k: asdict(v) for k, v in sorted(self.files.items())},
            "failures": dict(sorted(self.failures.items())),
        }
        self.store.write_manifest(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))

    def owners(self) -> dict[str, str]:
        """chunk id → the file that owns it."""
        return {chunk_id: path for path, entry in self.files.items() for chunk_id in entry.chunk_ids}

    def chunk_ids(self) -> set[str]:
        return {chunk_id for entry in self.files.values() for chunk_id in entry.chunk_ids}

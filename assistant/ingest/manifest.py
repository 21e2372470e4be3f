"""The manifest: which file produced which chunks, and from which content.

It is what makes ingest incremental (a file whose fingerprint is unchanged is skipped)
and repairable (after a crash, entries that disagree with the vector store are redone).
Saved as JSON by write-to-temp-then-rename, so it is never half written.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.errors import StoreError

__all__ = ["Manifest", "ManifestEntry"]

MANIFEST_VERSION = 1


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

    path: Path
    embeddings: str = ""
    files: dict[str, ManifestEntry] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read the manifest at ``path``; a missing file is an empty manifest.

        :raises StoreError: the file exists but is not a manifest.
        """
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            files = {k: ManifestEntry(**v) for k, v in data.get("files", {}).items()}
        except (OSError, ValueError, TypeError) as exc:
            raise StoreError(f"索引清单已损坏（{path}）：{exc}；请运行 kezhuan ingest --reset 重建") from exc
        failures = {str(k): str(v) for k, v in data.get("failures", {}).items()}
        return cls(path, embeddings=str(data.get("embeddings", "")), files=files, failures=failures)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        payload = {
            "version": MANIFEST_VERSION,
            "embeddings": self.embeddings,
            "files": {k: asdict(v) for k, v in sorted(self.files.items())},
            "failures": dict(sorted(self.failures.items())),
        }
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)

    def owners(self) -> dict[str, str]:
        """chunk id → the file that owns it."""
        return {chunk_id: path for path, entry in self.files.items() for chunk_id in entry.chunk_ids}

    def chunk_ids(self) -> set[str]:
        return {chunk_id for entry in self.files.values() for chunk_id in entry.chunk_ids}

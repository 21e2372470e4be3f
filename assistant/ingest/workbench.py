"""The officers' knowledge workbench: upload, list, delete and re-index files.

Everything goes through the same :class:`Ingestor` as ``kezhuan ingest``, so an upload is
incremental, survives a crash the same way, and a bad file gets the same one-line error.
Uploaded files are kept under ``<data dir>/uploads/`` (folder 0700, files 0600), each with
the type, visibility and region the officer chose in a sidecar (:mod:`.overrides`); a file's
``doc_id`` is its name there, so uploading a new version under the same name replaces the old.

Usage example::

    bench = Workbench(index)
    path = bench.save("上海奖励办法.md", data, Overrides(DocType.POLICY, Visibility.PUBLIC, {"region": "上海"}))
    bench.ingest([path], progress=None)
    [entry.name for entry in bench.catalog(Audience(Role.OFFICER))]
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assistant.errors import InputError
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.ingest.manifest import Manifest
from assistant.ingest.overrides import Overrides
from assistant.ingest.pipeline import LOADER_BY_SUFFIX, Ingestor, Progress
from assistant.records import DocType, DocumentSummary, IngestReport, Visibility

__all__ = ["UPLOADS", "CatalogEntry", "Workbench"]

UPLOADS = "uploads"
WRITE_WAIT = 30.0  # seconds an upload waits for another ingest (the CLI, a draft) to finish
UNSAFE_NAME = re.compile(r"[^\w.\-（）()【】《》 ]+")
MAX_NAME_CHARS = 120


@dataclass(frozen=True)
class CatalogEntry:
    """One ingested (or failed) file: what it holds, who may read it, when it was indexed, its last error."""

    key: str
    name: str
    uploaded: bool
    documents: tuple[DocumentSummary, ...]
    indexed_at: datetime | None
    error: str = ""

    @property
    def chunks(self) -> int:
        return sum(d.chunks for d in self.documents)

    @property
    def doc_types(self) -> tuple[DocType, ...]:
        return tuple(sorted({d.doc_type for d in self.documents}))

    @property
    def visibilities(self) -> tuple[Visibility, ...]:
        return tuple(sorted({d.visibility for d in self.documents}))


class Workbench:
    """The upload folder of one index and the operations an officer runs on its files.

    :param index: the index the files go into.
    """

    def __init__(self, index: KnowledgeIndex) -> None:
        self.index = index
        self.folder = index.data_dir / UPLOADS

    def save(self, name: str, data: bytes, overrides: Overrides) -> Path:
        """Keep an uploaded file (and what the officer stated about it) in the upload folder.

        :returns: where the file now is; index it with :meth:`ingest`.
        :raises InputError: the file's kind is not one ingest reads, or its name is empty.
        """
        safe = UNSAFE_NAME.sub("_", Path(name).name).strip(" ._")[-MAX_NAME_CHARS:]
        suffix = Path(safe).suffix.lower()
        if suffix not in LOADER_BY_SUFFIX:
            kinds = " ".join(sorted(LOADER_BY_SUFFIX))
            raise InputError(f"不支持的文件类型 {suffix or '（无扩展名）'}：{name}；支持：{kinds}")
        if not Path(safe).stem:
            raise InputError(f"文件名无效：{name}")
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.folder / safe
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        overrides.write_beside(path)
        return path

    def ingest(self, paths: Sequence[Path], *, progress: Progress | None = None) -> IngestReport:
        """Index saved files through the pipeline (unchanged ones are skipped).

        :raises IndexBusyError: another ingest is still running after ``WRITE_WAIT`` seconds.
        """
        return Ingestor(self.index).ingest(paths, progress=progress, wait=WRITE_WAIT)

    def reindex(self, key: str, *, progress: Progress | None = None) -> IngestReport:
        """Load, split and index an uploaded file again, even if it did not change.

        :raises InputError: the file was not uploaded here (re-index the shipped knowledge base with its folder).
        """
        path = self._uploaded(key)
        if path is None or not path.exists():
            raise InputError("只有在本页上传的文件可以在这里重新索引")
        return Ingestor(self.index).ingest([path], progress=progress, wait=WRITE_WAIT, force=True)

    def delete(self, key: str) -> int:
        """Remove a file's chunks from the index; an uploaded file is deleted from disk too.

        A file of the shipped knowledge base comes back when its folder is ingested again.

        :returns: how many chunks were removed.
        """
        removed = Ingestor(self.index).forget([key], wait=WRITE_WAIT)
        path = self._uploaded(key)
        if path is not None:
            path.unlink(missing_ok=True)
            Overrides.sidecar(path).unlink(missing_ok=True)
        return removed

    def catalog(self, audience: Audience) -> list[CatalogEntry]:
        """Every file in the index (and every file whose last ingest failed) that ``audience`` may see a part of.

        Uploaded files come first, newest first; then the rest by name.
        """
        manifest = Manifest.load(self.index)
        by_chunk = {i: d for d in self.index.documents(audience) for i in d.chunk_ids}
        entries: list[CatalogEntry] = []
        for key, entry in manifest.files.items():
            documents = {by_chunk[i].doc_id: by_chunk[i] for i in entry.chunk_ids if i in by_chunk}
            if not documents:
                continue
            indexed = datetime.fromisoformat(entry.indexed_at) if entry.indexed_at else None
            error = manifest.failures.get(key, "")
            entries.append(
                CatalogEntry(
                    key, self._name(key), self._uploaded(key) is not None, tuple(documents.values()), indexed, error
                )
            )
        for key, error in manifest.failures.items():
            if key not in manifest.files and audience.role is Role.OFFICER:  # what a failed file holds is unknown
                entries.append(CatalogEntry(key, self._name(key), True, (), None, error))
        return sorted(
            entries, key=lambda e: (not e.uploaded, -(e.indexed_at.timestamp() if e.indexed_at else 0), e.name)
        )

    def _uploaded(self, key: str) -> Path | None:
        path = Path(key)
        return path if path.parent == self.folder.resolve() else None

    def _name(self, key: str) -> str:
        path = Path(key)
        return path.name if self._uploaded(key) is not None else f"{path.parent.name}/{path.name}"

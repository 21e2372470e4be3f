"""Ingest: files → documents → chunks → both stores, incrementally and repairably.

The order of writes is what makes a crash harmless. For each changed file: write its
new chunks to the vector store, delete the chunks it no longer has, then record the
file in the manifest; the keyword index is saved at the end. On every run,
:func:`reconcile` first compares the three: a file whose manifest entry disagrees with
the vector store is redone, chunks no file owns are deleted, and the keyword index is
rebuilt from the vector store if their ids differ. Embeddings are cached by content
hash, so redoing a file after a crash costs no embedding.

Usage example::

    from assistant.config import Settings
    from assistant.index.knowledge_index import KnowledgeIndex
    report = Ingestor(KnowledgeIndex(Settings())).ingest([Path("knowledge")])
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from assistant.domain import need_text
from assistant.errors import ConfigError, IngestError
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.ingest.loaders import (
    CsvLoader,
    DocxLoader,
    FileRef,
    HtmlLoader,
    JsonlLoader,
    Loader,
    MarkdownLoader,
    PdfLoader,
    TextLoader,
    XlsxLoader,
)
from assistant.ingest.manifest import Manifest, ManifestEntry
from assistant.ingest.overrides import Overrides
from assistant.ingest.provenance import annotate
from assistant.ingest.splitter import ChineseSplitter
from assistant.records import Chunk, DocType, FileError, IngestReport

__all__ = ["FOLDER_TYPES", "Ingestor", "Progress", "discover", "reconcile"]

# Bump when loading or splitting changes, so every file is re-chunked once.
PIPELINE_VERSION = "4"  # 4: policy chunks carry region, level and dates (re-chunks, never re-embeds)

LOADERS: tuple[Loader, ...] = (
    MarkdownLoader(),
    TextLoader(),
    PdfLoader(),
    DocxLoader(),
    HtmlLoader(),
    CsvLoader(),
    XlsxLoader(),
    JsonlLoader(),
)
LOADER_BY_SUFFIX = {suffix: loader for loader in LOADERS for suffix in loader.extensions}

FOLDER_TYPES = {
    "policies": DocType.POLICY,
    "laws": DocType.POLICY,
    "rules": DocType.POLICY,
    "patents": DocType.PATENT,
    "agencies": DocType.AGENCY,
    "demands": DocType.DEMAND,
    "disclosures": DocType.DISCLOSURE,
    "faq": DocType.FAQ,
}
SKIPPED_NAMES = {"README.md", "SOURCES.md"}  # documentation of a folder, not knowledge
SYMLINK_REFUSED = "符号链接不会被索引（请直接给出文件所在的文件夹）"
TOO_LARGE = "文件过大（{size:.1f} MB，上限 {limit:g} MB；可用 KEZHUAN_MAX_FILE_MB 调整），未索引"
TOO_MANY_ROWS = "表格行数过多（{rows} 行，上限 {limit} 行；可用 KEZHUAN_MAX_ROWS 调整），未索引"


class Progress(Protocol):
    """Receives progress of the slow part (embedding). The CLI shows it as a bar."""

    def start(self, total_chunks: int) -> None: ...

    def advance(self, chunks: int) -> None: ...

    def finish(self) -> None: ...


@dataclass
class _Plan:
    ref: FileRef
    key: str
    fingerprint: str
    chunks: list[Chunk] = field(default_factory=list)


def discover(paths: Iterable[Path]) -> tuple[list[tuple[Path, Path]], list[FileError]]:
    """Files to ingest as (file, root) pairs, and errors for paths that cannot be used.

    Folders are walked recursively; hidden files, README.md and files of unknown kinds
    inside folders are skipped. A file named explicitly must be of a known kind.
    Symbolic links are never followed: a link can make a confidential file look like a
    public policy of another folder, or pull a system file into the index.
    """
    found: list[tuple[Path, Path]] = []
    errors: list[FileError] = []
    for path in paths:
        if path.is_symlink():
            errors.append(FileError(str(path), SYMLINK_REFUSED))
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                relative = file.relative_to(path)
                if any(part.startswith((".", "_")) for part in relative.parts):
                    continue
                if file.is_symlink():
                    errors.append(FileError(str(file), SYMLINK_REFUSED))
                elif file.is_file() and file.suffix.lower() in LOADER_BY_SUFFIX and file.name not in SKIPPED_NAMES:
                    found.append((file, path))
        elif path.is_file():
            if path.suffix.lower() not in LOADER_BY_SUFFIX:
                kinds = " ".join(sorted(LOADER_BY_SUFFIX))
                errors.append(FileError(str(path), f"不支持的文件类型 {path.suffix or '（无扩展名）'}；支持：{kinds}"))
            else:
                found.append((path, path.parent))
        else:
            errors.append(FileError(str(path), "路径不存在"))
    return found, errors


def doc_type_for(file: Path, root: Path, override: DocType | None) -> DocType | None:
    """``--type`` if given, else the nearest folder named like a type (policies/, patents/ …)."""
    if override is not None:
        return override
    folders = [root.resolve().name, *file.relative_to(root).parts[:-1]]
    for folder in reversed(folders):  # the nearest folder wins
        if folder.lower() in FOLDER_TYPES:
            return FOLDER_TYPES[folder.lower()]
    return None


def manifest_key(file: Path, root: Path) -> str:
    """A file's key in the manifest: the folder given (resolved) plus the file's own relative path.

    The file itself is not resolved, so a link could never alias another file's entry.
    """
    return str(root.resolve() / file.relative_to(root))


def reconcile(index: KnowledgeIndex, manifest: Manifest) -> int:
    """Bring manifest, vector store and keyword index into agreement after any crash.

    :returns: how many chunks were removed as orphans.
    """
    stored = index.stored_ids()
    for path, entry in list(manifest.files.items()):
        if not set(entry.chunk_ids) <= stored:  # interrupted mid-write: redo this file
            del manifest.files[path]
    orphans = sorted(stored - manifest.chunk_ids())
    index.delete(orphans)
    index.sync_keyword()
    manifest.save()
    return len(orphans)


class Ingestor:
    """Runs ingests against one index.

    :param index: the stores to write.
    :param splitter: how documents become chunks.
    """

    def __init__(self, index: KnowledgeIndex, splitter: ChineseSplitter | None = None) -> None:
        self.index = index
        self.splitter = splitter or ChineseSplitter()

    def ingest(
        self,
        paths: Sequence[Path],
        *,
        doc_type: DocType | None = None,
        reset: bool = False,
        prune: bool = False,
        progress: Progress | None = None,
        wait: float = 0.0,
        force: bool = False,
    ) -> IngestReport:
        """Index ``paths`` (files or folders); see the module docstring for guarantees.

        A file's type, visibility and region may also be stated in a sidecar next to it
        (:mod:`assistant.ingest.overrides`, written by the knowledge workbench).

        :param doc_type: force this type on every file instead of the folder rule.
        :param reset: empty the index first (cached embeddings are kept).
        :param prune: remove files from the index that no longer exist or were not found
            under the given folders.
        :param progress: told how many chunks must be embedded, then each step.
        :param wait: seconds to wait while another process is writing the index.
        :param force: re-chunk the given files even when unchanged (re-index).
        :raises ConfigError: the index was built with another embedding model.
        :raises IndexBusyError: another process is still writing after ``wait``.
        """
        with self.index.writing(wait=wait):
            return self._ingest(paths, doc_type=doc_type, reset=reset, prune=prune, progress=progress, force=force)

    def forget(self, keys: Sequence[str], *, wait: float = 0.0) -> int:
        """Remove ingested files from the index by their manifest key (the file itself is left alone).

        :returns: how many chunks were removed.
        :raises IndexBusyError: another process is still writing after ``wait``.
        """
        with self.index.writing(wait=wait):
            manifest = Manifest.load(self.index)
            ids = sorted({i for key in keys if key in manifest.files for i in manifest.files[key].chunk_ids})
            self.index.delete(ids)
            for key in keys:
                manifest.files.pop(key, None)
                manifest.failures.pop(key, None)
            manifest.save()
            self.index.save()
            return len(ids)

    def _ingest(
        self,
        paths: Sequence[Path],
        *,
        doc_type: DocType | None,
        reset: bool,
        prune: bool,
        progress: Progress | None,
        force: bool = False,
    ) -> IngestReport:
        if reset:
            self.index.clear()
        manifest = Manifest.load(self.index)
        if manifest.files and manifest.embeddings and manifest.embeddings != self.index.namespace:
            raise ConfigError(
                f"索引由向量模型 {manifest.embeddings} 建立，当前为 {self.index.namespace}；请加 --reset 重建索引"
            )
        manifest.embeddings = self.index.namespace
        removed = reconcile(self.index, manifest)

        files, errors = discover(paths)
        plans, unchanged = self._plan(files, manifest, doc_type, errors, force=force)
        if prune:
            removed += self._prune(manifest, {manifest_key(f, r) for f, r in files}, [p for p in paths if p.is_dir()])

        # A demand's need is embedded as a query too, so that briefings and matching find it cached.
        new_total = sum(len(p.chunks) + len(_demands(p.chunks)) for p in plans)
        if progress:
            progress.start(new_total)
            self.index.on_embed_progress(progress.advance)
        added = 0
        owners = manifest.owners()
        try:
            for plan in plans:
                a, r = self._apply(plan, manifest, owners, errors, progress)
                added += a
                removed += r
        finally:
            self.index.on_embed_progress(None)
            if progress:
                progress.finish()
            self.index.save()
            _note_failures(manifest, files, errors)
            manifest.save()
        return IngestReport(
            files_seen=len(files),
            files_indexed=len(plans),
            files_unchanged=unchanged,
            chunks_added=added,
            chunks_removed=removed,
            errors=tuple(errors),
        )

    def _plan(
        self,
        files: list[tuple[Path, Path]],
        manifest: Manifest,
        override: DocType | None,
        errors: list[FileError],
        *,
        force: bool = False,
    ) -> tuple[list[_Plan], int]:
        plans: list[_Plan] = []
        unchanged = 0
        limits = self.index.settings
        for file, root in files:
            size_mb = file.stat().st_size / 2**20
            if size_mb > limits.max_file_mb:  # embedding costs ~10 chunks/s: refuse before hours of work
                errors.append(FileError(str(file), TOO_LARGE.format(size=size_mb, limit=limits.max_file_mb)))
                continue
            key = manifest_key(file, root)
            try:
                stated = Overrides.beside(file)
            except IngestError as exc:
                errors.append(FileError(str(file), exc.detail))
                continue
            kind = doc_type_for(file, root, override or (stated.doc_type if stated else None))
            fingerprint = _fingerprint(file, kind) + (f":{stated.fingerprint()}" if stated else "")
            entry = manifest.files.get(key)
            if entry is not None and entry.fingerprint == fingerprint and not force:
                unchanged += 1
                continue
            ref = FileRef(file, file.relative_to(root).as_posix(), kind)
            try:
                documents = LOADER_BY_SUFFIX[file.suffix.lower()].load(ref)
                if stated is not None:
                    documents = [stated.apply(d) for d in documents]
            except IngestError as exc:  # the old chunks of this file stay searchable
                errors.append(FileError(str(file), exc.detail))
                continue
            except Exception as exc:
                errors.append(FileError(str(file), f"无法读取：{type(exc).__name__}: {exc}"))
                continue
            if sum(d.is_record for d in documents) > limits.max_rows:
                errors.append(FileError(str(file), TOO_MANY_ROWS.format(rows=len(documents), limit=limits.max_rows)))
                continue
            plan = _Plan(ref, key, fingerprint)
            seen_ids: dict[str, str] = {}
            for document in documents:
                if document.is_record and document.doc_id in seen_ids:
                    errors.append(FileError(str(file), f"重复的编号 {document.doc_id}（{document.locator}），已跳过"))
                    continue
                seen_ids[document.doc_id] = document.locator
                plan.chunks.extend(annotate(document, self.splitter.split(document)))
            plans.append(plan)
        return plans, unchanged

    def _apply(
        self,
        plan: _Plan,
        manifest: Manifest,
        owners: dict[str, str],
        errors: list[FileError],
        progress: Progress | None,
    ) -> tuple[int, int]:
        old = set(manifest.files[plan.key].chunk_ids) if plan.key in manifest.files else set()
        chunks: list[Chunk] = []
        for chunk in plan.chunks:
            owner = owners.get(chunk.id)
            if owner is not None and owner != plan.key:
                errors.append(FileError(str(plan.ref.path), f"{chunk.doc_id} 已由 {owner} 收录，已跳过"))
                continue
            chunks.append(chunk)
        new_ids = {c.id for c in chunks}
        fresh = [c for c in chunks if c.id not in old]
        self.index.write(fresh)
        self.index.embeddings.embed_stored_queries([need_text(c.text) for c in _demands(fresh)])
        if progress:
            progress.advance(len(_demands(plan.chunks)))
        stale = sorted(old - new_ids)
        self.index.delete(stale)
        manifest.files[plan.key] = ManifestEntry(
            plan.fingerprint,
            (plan.ref.doc_type or DocType.POLICY).value,
            sorted(new_ids),
            indexed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        for chunk_id in new_ids:
            owners[chunk_id] = plan.key
        manifest.save()
        return len(fresh), len(stale)

    def _prune(self, manifest: Manifest, seen: set[str], roots: list[Path]) -> int:
        resolved_roots = [str(r.resolve()) for r in roots]
        gone = [
            path
            for path in manifest.files
            if not Path(path).exists() or (path not in seen and any(path.startswith(r + "/") for r in resolved_roots))
        ]
        ids = sorted({i for path in gone for i in manifest.files[path].chunk_ids})
        self.index.delete(ids)
        for path in gone:
            del manifest.files[path]
            manifest.failures.pop(path, None)
        return len(ids)


def _note_failures(manifest: Manifest, files: list[tuple[Path, Path]], errors: list[FileError]) -> None:
    """Keep each file's latest error in the manifest (cleared when the file next goes through cleanly)."""
    keys = {str(file): manifest_key(file, root) for file, root in files}
    for key in keys.values():
        manifest.failures.pop(key, None)
    for error in errors:
        if error.path in keys:
            manifest.failures[keys[error.path]] = error.error


def _fingerprint(file: Path, doc_type: DocType | None) -> str:
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    return f"{digest}:{doc_type.value if doc_type else '-'}:{PIPELINE_VERSION}"


def _demands(chunks: Iterable[Chunk]) -> list[Chunk]:
    return [c for c in chunks if c.doc_type is DocType.DEMAND]

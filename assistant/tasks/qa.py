"""Cited answers to policy questions: retrieve, compose, then ground or refuse.

The workflow for one standalone question (the chat layer, :mod:`assistant.chat`, decides
which turns are questions and rewrites follow-ups before they get here):

1. retrieve for the caller's audience (an enterprise never receives a confidential chunk);
2. compose extractively: sentences of the retrieved chunks, each cited;
3. ground or refuse: when the evidence is too weak (:mod:`~assistant.generate.grounding`),
   refuse plainly, listing the nearest sources;
4. answer: with the extractive composition offline; with an LLM configured, stream the
   model's answer, then keep it only if every cited sentence is supported by its source,
   else fall back to the extractive answer with a visible notice.

Usage example::

    qa = QuestionAnswerer(KnowledgeIndex(Settings()), Settings())
    answer = qa.answer("上海高校科技成果转让净收入给研发团队的奖励不低于多少？", Audience.public())
    answer.text, [c.locator for c in answer.citations]
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from assistant.config import Settings
from assistant.generate.extractive import Composition, ExtractiveComposer, Focus, rule_region
from assistant.generate.grounding import grounded, novel_terms
from assistant.generate.llm import Generated, LLMComposer, checked_stream, make_chat_model
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience
from assistant.jurisdiction import NATIONAL, applies_in, asked_regions, regions_in
from assistant.query import clean_query
from assistant.records import Answer, Citation, DocType, Hit

__all__ = ["Evidence", "QuestionAnswerer"]

DEFAULT_CONTEXT_CHUNKS = 6
# A sentence with the citation marks after its end, or a line break: the pieces join to the text.
SENTENCE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+(?:\[\d+\])*|\n+)|[^。！？!?\n]+$")
REGION_CONTEXT_CHUNKS = 12  # a question naming a region looks deeper, to find that region's rules if any
NEAREST_SOURCES = 3
NEAREST_MIN_SIMILARITY = 0.87  # a nearest source below this is not about the question: not listed
OFFLINE = "离线抽取"
REFUSAL = "知识库中没有找到回答这个问题的依据，因此不作推测。"
NEAREST_INTRO = "以下是最接近的资料，供参考。"


@dataclass(frozen=True)
class Evidence:
    """What the knowledge base holds for one question: the hits, the extractive answer, and the verdict."""

    query: str
    hits: list[Hit]
    composition: Composition
    grounded: bool
    focus: Focus = field(default_factory=Focus)


class QuestionAnswerer:
    """Answers standalone questions from one index.

    :param index: the knowledge index to search.
    :param settings: decides offline or LLM mode.
    :param context_chunks: chunks retrieved as evidence per question.
    :param llm: a chat model to use instead of the one the settings describe (tests).
    """

    def __init__(
        self,
        index: KnowledgeIndex,
        settings: Settings,
        *,
        context_chunks: int = DEFAULT_CONTEXT_CHUNKS,
        llm: object | None = None,
    ) -> None:
        if context_chunks <= 0:
            raise ValueError("context_chunks must be positive")
        self.index = index
        self.settings = settings
        self.context_chunks = context_chunks
        self.extractive = ExtractiveComposer(index.embeddings, index.idf)
        model = llm if llm is not None else (make_chat_model(settings) if settings.llm_enabled else None)
        self.llm = LLMComposer(model) if model is not None else None

    @property
    def mode_label(self) -> str:
        """离线抽取 or the LLM's model name, for the UI badge."""
        return self.llm.name if self.llm else OFFLINE

    @property
    def mode(self) -> str:
        """The ``mode`` an answer of this answerer reports when nothing falls back."""
        return "llm" if self.llm else "extractive"

    def answer(self, question: str, audience: Audience, *, doc_types: Sequence[DocType] | None = None) -> Answer:
        """The final answer to one question (see :meth:`stream` for the token stream)."""
        *_, result = self.stream(question, audience, doc_types=doc_types)
        assert isinstance(result, Answer)
        return result

    def stream(
        self, question: str, audience: Audience, *, doc_types: Sequence[DocType] | None = None
    ) -> Iterator[str | Answer]:
        """Yield answer text as it is produced, then the final :class:`Answer`.

        The final answer's text may differ from the streamed text (invalid citations
        removed, or a fallback); a UI should render the final one when it arrives.

        :param doc_types: the kinds of record to search first (all kinds when none of them has a hit).
        :raises EmptyQueryError: the question is empty.
        """
        query, _ = clean_query(question)
        yield from self.respond(self.gather(query, audience, doc_types=doc_types))

    def gather(self, query: str, audience: Audience, *, doc_types: Sequence[DocType] | None = None) -> Evidence:
        """Retrieve for ``audience``, compose extractively, and decide whether the evidence grounds an answer."""
        asked = tuple(asked_regions(query))
        depth = REGION_CONTEXT_CHUNKS if asked else self.context_chunks
        hits = self.index.search(query, audience, top_k=depth, doc_types=doc_types)
        if doc_types and not hits:
            hits = self.index.search(query, audience, top_k=depth)
        focus = region_focus(asked, hits)
        if asked:
            hits = _for_regions(hits, focus)[: self.context_chunks]
        composition = self.extractive.compose(query, hits, focus=focus)

        def novel() -> list[str]:  # a region the knowledge base lacks is answered with the gap, not refused
            return [t for t in novel_terms(query, self.index, audience) if not regions_in(t)]

        return Evidence(query, hits, composition, grounded(composition, novel), focus)

    def respond(self, evidence: Evidence) -> Iterator[str | Answer]:
        """The answer the evidence allows: a refusal, the extractive answer, or the checked LLM answer."""
        if not evidence.grounded:
            refusal = self._refuse(evidence)
            yield refusal.text
            yield refusal
            return
        composition = evidence.composition
        gaps = evidence.focus.missing
        if self.llm is None:
            yield from SENTENCE.findall(composition.text)  # as a reader takes it in: sentence by sentence
            yield Answer(composition.text, composition.citations, mode="extractive", query=evidence.query, gaps=gaps)
            return
        llm = self.llm
        fallback = Generated(composition.text, OFFLINE)
        result: Generated | None = None
        for item in checked_stream(
            lambda: llm.stream(evidence.query, evidence.hits, focus=evidence.focus),
            lambda raw: LLMComposer.finalize(raw, evidence.hits, focus=evidence.focus)[0],
            fallback,
            by=llm.name,
        ):
            if isinstance(item, Generated):
                result = item
            else:
                yield item
        assert result is not None
        if result.notice:
            yield Answer(
                composition.text,
                composition.citations,
                mode="extractive",
                query=evidence.query,
                notice=result.notice,
                gaps=gaps,
            )
            return
        text, citations = LLMComposer.finalize(result.text, evidence.hits, focus=evidence.focus)
        yield Answer(text, citations, mode="llm", query=evidence.query, gaps=gaps)

    def _refuse(self, evidence: Evidence) -> Answer:
        """No answer, and the nearest sources that are about the question, so the user can read them.

        A source is listed with its best sentence, only when that sentence is close to the
        question (no title-only rows, no row numbers of a table).
        """
        support = {chunk_id: (sentence, similarity) for chunk_id, sentence, similarity in evidence.composition.support}
        citations: list[Citation] = []
        lines = [REFUSAL]
        for hit in evidence.hits:
            sentence, similarity = support.get(hit.chunk.id, ("", 0.0))
            if similarity < NEAREST_MIN_SIMILARITY or sentence.strip() == hit.chunk.title.strip():
                continue
            n = len(citations) + 1
            citations.append(Citation(n, hit.chunk, sentence))
            where = hit.chunk.locator if hit.chunk.doc_type in (DocType.POLICY, DocType.FAQ) else ""
            lines.append(f"{n}. {sentence}（《{hit.chunk.title}》{where}）[{n}]")
            if n == NEAREST_SOURCES:
                break
        if citations:
            lines.insert(1, NEAREST_INTRO)
        return Answer("\n".join(lines), tuple(citations), mode=self.mode, grounded=False, query=evidence.query)


def region_focus(asked: Sequence[str], hits: Sequence[Hit]) -> Focus:
    """The asked regions, and which of them no retrieved rule covers (a city is covered by its province's rules)."""
    held = {rule_region(hit.chunk) for hit in hits} - {""}
    local = [r for r in asked if r != NATIONAL]
    missing = tuple(r for r in local if not any(applies_in(h, r) and h != NATIONAL for h in held))
    return Focus(tuple(asked), missing)


def _for_regions(hits: list[Hit], focus: Focus) -> list[Hit]:
    """Hits whose rules apply in the asked regions, best first (another region's rules are dropped)."""
    return [hit for hit in hits if focus.allows(rule_region(hit.chunk))]

"""Cited question answering: route the turn, rewrite follow-ups, retrieve, compose, check.

The workflow for one chat turn:

1. classify the intent (small talk gets a greeting, not a search);
2. rewrite a follow-up into a standalone question;
3. retrieve for the user's role (an enterprise never receives a confidential chunk);
4. compose: extractively by default; with an LLM configured, stream the model's answer,
   drop citations to nothing, and fall back to the extractive answer when no valid
   citation remains or the model fails (with a visible notice);
5. refuse plainly, listing the nearest sources, when the evidence is too weak.

Usage example::

    qa = QuestionAnswerer(KnowledgeIndex(Settings()), Settings())
    answer = qa.answer("上海高校科技成果转让净收入给研发团队的奖励不低于多少？")
    answer.text, [c.locator for c in answer.citations]
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from assistant.config import Settings
from assistant.errors import GenerationError, InputError
from assistant.generate.extractive import Composition, ExtractiveComposer
from assistant.generate.llm import LLMComposer, make_chat_model
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.tokenizer import nouns, tokenize
from assistant.index.visibility import Audience
from assistant.query import clean_query
from assistant.records import Answer, Citation, DocType, Hit
from assistant.tasks.conversation import is_follow_up, rewrite_follow_up
from assistant.tasks.intent import Intent, classify
from assistant.text import split_sentences

__all__ = ["EVIDENCE_THRESHOLD", "QuestionAnswerer"]

DEFAULT_CONTEXT_CHUNKS = 6
NEAREST_SOURCES = 3
# Refusal thresholds on the best question–sentence cosine (e5). Below the low one the
# knowledge base has no answer; below the high one it has none either when the question
# names a thing (a noun: 深圳, 商标, PCT) that occurs nowhere in the knowledge base.
# Calibrated on evals/policy_qa.jsonl vs evals/negative.jsonl (evals/REPORT.md): 98% of
# answerable questions answered, 80% of unanswerable ones refused.
EVIDENCE_THRESHOLD = 0.90
NOVEL_TERM_EVIDENCE_THRESHOLD = 0.91

GREETING = (
    "您好！我是科转助手，可以解答科技成果转化的政策问题（披露、赋权、转化方式、收益分配等），"
    "检索样例专利、服务机构和企业需求，并给出处。请直接提问，例如：上海高校转让成果的奖励比例是多少？"
)
OUT_OF_SCOPE = (
    "这个问题超出了科转助手的范围。我只回答高校科技成果转化相关的问题，例如政策规定、专利转化、供需对接和服务机构。"
)
REFUSAL = "知识库中没有找到回答这个问题的依据，因此不作推测。以下是最接近的资料，供参考："
DISCLOSURE_HINT = "起草完整的披露摘要草稿（含相似专利、IPC 建议和需关注事项），请使用「成果披露」页面或命令 kezhuan disclose FORM.json。"
MATCHING_HINT = "完整的匹配结果与评分明细，请使用「供需匹配」页面或命令 kezhuan match。"
PATENT_NUMBER = re.compile(r"CN\s?\d{8,12}(?:\.[\dX])?", re.IGNORECASE)
MATCHES_IN_CHAT = 3
# A how-to question about matching or agencies ("怎么发布需求？") is a policy question.
HOW_TO = re.compile(
    r"怎么|如何|怎样|流程|手续|步骤|要素|规定|政策|条件|能不能|是否|是不是|要不要|需不需要|多少|(有|共|一共)几(家|个)|可以吗|吗[？?]?$"
)
AGENCY_REQUEST = re.compile(r"推荐|哪些机构|哪家|找.{0,6}机构|有没有.{0,6}机构|机构.{0,4}(有哪些|名单)")
AGENCY_HINT = "白名单身份以科技创新券白名单数据为准；按服务、领域、地区筛选请用命令 kezhuan agencies。"
BRIEFING_HINT = "含图表和资料来源的完整简报（Markdown / Word）请使用「简报生成」页面或命令 kezhuan brief。"
BRIEFING_WORDS = re.compile(r"^(请|麻烦)?(帮我|给我|替我)?(生成|写|出|做|起草)(一份|一个|一下)?|的?简报吧?[。！!]?$")
BRIEFING_ACTIONS_IN_CHAT = 3
BRIEFING_PROGRESS = "正在统计记录、为需求匹配成果并检索政策要点，请稍候（全部存量约需半分钟）……"
LLM_FALLBACK_NOTICE = "大模型暂时不可用（{reason}），以下为离线抽取的答案。"
NO_VALID_CITATION_NOTICE = "大模型的回答没有可核对的引用，已改用离线抽取的答案。"

DOC_TYPES_BY_INTENT: dict[Intent, tuple[DocType, ...]] = {
    Intent.TECHNOLOGY_SEARCH: (DocType.PATENT,),
    Intent.MATCHING_REQUEST: (DocType.PATENT, DocType.DEMAND),
    Intent.AGENCY_LOOKUP: (DocType.AGENCY, DocType.POLICY, DocType.FAQ),
}


class QuestionAnswerer:
    """Answers chat turns from one index.

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
        return self.llm.name if self.llm else "离线抽取"

    def answer(self, question: str, audience: Audience, *, history: Sequence[str] = ()) -> Answer:
        """The final answer to one turn (see :meth:`stream` for the token stream)."""
        result: Answer | None = None
        for item in self.stream(question, audience, history=history):
            if isinstance(item, Answer):
                result = item
        assert result is not None
        return result

    def stream(self, question: str, audience: Audience, *, history: Sequence[str] = ()) -> Iterator[str | Answer]:
        """Yield answer text as it is produced, then the final :class:`Answer`.

        The final answer's text may differ from the streamed text (invalid citations
        removed, or a fallback); a UI should render the final one when it arrives.

        :param history: earlier standalone questions of this conversation, oldest first.
        :raises EmptyQueryError: the question is empty.
        """
        text, _ = clean_query(question)
        intent = classify(text)
        if intent is Intent.SMALL_TALK:
            yield GREETING
            yield Answer(GREETING, intent=intent.value, mode=self._mode(), grounded=False, query=text)
            return
        if intent is Intent.MATCHING_REQUEST and not HOW_TO.search(text):
            matched = self._matches(text, audience)
            if matched is not None:
                yield matched.text
                yield matched
                return
        if intent is Intent.AGENCY_LOOKUP and AGENCY_REQUEST.search(text) and not HOW_TO.search(text):
            recommended = self._agencies(text, audience)
            if recommended is not None:
                yield recommended.text
                yield recommended
                return
        if intent is Intent.BRIEFING_REQUEST and not HOW_TO.search(text):
            yield BRIEFING_PROGRESS  # counting and matching take seconds; the final answer replaces this line
            briefed = self._briefing(text, audience)
            yield briefed.text
            yield briefed
            return
        query = self._rewrite(text, history)
        if intent is Intent.OUT_OF_SCOPE and query != text:
            intent = classify(query)
        doc_types = DOC_TYPES_BY_INTENT.get(intent)
        hits = self.index.search(query, audience, top_k=self.context_chunks, doc_types=doc_types)
        if doc_types and not hits:
            hits = self.index.search(query, audience, top_k=self.context_chunks)
        composition = self.extractive.compose(query, hits)
        if not self._grounded(query, composition, audience):
            refusal = self._refuse(intent, query, hits)
            yield refusal.text
            yield refusal
            return
        if intent is Intent.OUT_OF_SCOPE:
            intent = Intent.POLICY_QUESTION  # the rules missed it, but the knowledge base knows it
        hint = DISCLOSURE_HINT if intent is Intent.DISCLOSURE_HELP else ""
        if self.llm is None:
            yield composition.text
            yield Answer(composition.text, composition.citations, intent.value, "extractive", True, query, hint)
            return
        yield from self._generate(query, intent, hits, composition)

    # -- steps ---------------------------------------------------------------------------
    def _briefing(self, text: str, audience: Audience) -> Answer:
        """A briefing request answered with the briefing's overview, actions and cited highlights."""
        from assistant.tasks.briefing import Briefer, BriefingRequest

        topic = BRIEFING_WORDS.sub("", text).strip(" ，。？?！!") or "科技成果转化总体情况"
        briefing = Briefer(self.index).build(BriefingRequest(topic=topic), audience)
        lines = [f"**{briefing.title}**（统计范围：{briefing.scope}）", "", briefing.narrative, "", "建议行动："]
        lines += [f"- {action.text}（{action.reason}）" for action in briefing.actions[:BRIEFING_ACTIONS_IN_CHAT]]
        if briefing.highlights:
            lines += ["", f"政策要点：{briefing.highlights_note}{briefing.highlights}"]
        return Answer(
            "\n".join(lines),
            briefing.citations,
            Intent.BRIEFING_REQUEST.value,
            "extractive",
            True,
            topic,
            BRIEFING_HINT,
        )

    def _agencies(self, text: str, audience: Audience) -> Answer | None:
        """An agency request answered from the whitelist data: whitelisted agencies only."""
        from assistant.tasks.agencies import recommend_agencies

        agencies = recommend_agencies(self.index, text, audience, k=MATCHES_IN_CHAT)
        if not agencies:
            return None
        lines = ["以下为科技创新券白名单中的推荐机构（白名单身份依据白名单数据）："]
        citations = []
        for n, agency in enumerate(agencies, start=1):
            chunk = self.index.get(agency.id, audience, DocType.AGENCY)[0]
            sentences = split_sentences(chunk.text) or [chunk.text]
            citations.append(Citation(n, chunk, sentences[1] if len(sentences) > 1 else sentences[0]))
            lines.append(f"{n}. {agency.name}：{'；'.join(agency.reasons[1:4])}[{n}]")
        return Answer(
            "\n".join(lines), tuple(citations), Intent.AGENCY_LOOKUP.value, self._mode(), True, text, AGENCY_HINT
        )

    def _matches(self, text: str, audience: Audience) -> Answer | None:
        """A matching request answered by the matcher: the top matches, each cited."""
        from assistant.tasks.matching import Matcher

        matcher = Matcher(self.index)
        number = PATENT_NUMBER.search(text)
        try:
            result = (
                matcher.for_patent(number.group(0).replace(" ", "").upper(), audience=audience, k=MATCHES_IN_CHAT)
                if number
                else matcher.for_demand(text, audience=audience, k=MATCHES_IN_CHAT)
            )
        except InputError:
            return None
        if not result.matches:
            return None
        lines = ["可能匹配的企业需求：" if number else "可能满足需求的技术："]
        citations = []
        for n, match in enumerate(result.matches, start=1):
            sentences = split_sentences(match.chunk.text) or [match.chunk.text]
            quote = sentences[1] if len(sentences) > 1 and sentences[0] == match.chunk.title else sentences[0]
            citations.append(Citation(n, match.chunk, quote))
            lines.append(f"{n}. {match.chunk.title}（{match.chunk.doc_id}）：{'；'.join(match.reasons[:3])}[{n}]")
        return Answer(
            "\n".join(lines), tuple(citations), Intent.MATCHING_REQUEST.value, self._mode(), True, text, MATCHING_HINT
        )

    def _mode(self) -> str:
        return "llm" if self.llm else "extractive"

    def _rewrite(self, text: str, history: Sequence[str]) -> str:
        if not history or not is_follow_up(text):
            return text
        if self.llm is not None:
            try:
                return self.llm.condense(text, history)
            except GenerationError:
                pass
        return rewrite_follow_up(text, history)

    def _grounded(self, query: str, composition: Composition, audience: Audience) -> bool:
        if not composition.text or composition.evidence < EVIDENCE_THRESHOLD:
            return False
        return composition.evidence >= NOVEL_TERM_EVIDENCE_THRESHOLD or not self.novel_terms(query, audience)

    def novel_terms(self, query: str, audience: Audience) -> list[str]:
        """Nouns of the query that no chunk the audience may see contains (whole or as jieba sub-words).

        Counted over the audience's view only: whether a question is answered must not
        reveal that a hidden document uses its words.
        """
        return [
            noun
            for noun in nouns(query)
            if all(self.index.document_frequency(t, audience) == 0 for t in [noun, *tokenize(noun)] if len(t) >= 2)
        ]

    def _refuse(self, intent: Intent, query: str, hits: list[Hit]) -> Answer:
        nearest = hits[:NEAREST_SOURCES]
        if intent is Intent.OUT_OF_SCOPE:
            return Answer(OUT_OF_SCOPE, (), intent.value, self._mode(), False, query)
        lines = [REFUSAL]
        citations = []
        for n, hit in enumerate(nearest, start=1):
            sentences = split_sentences(hit.chunk.text) or [hit.chunk.text]
            citations.append(Citation(n, hit.chunk, sentences[0]))
            lines.append(f"{n}. 《{hit.chunk.title}》{hit.chunk.locator} [{n}]")
        return Answer("\n".join(lines), tuple(citations), intent.value, self._mode(), False, query)

    def _generate(self, query: str, intent: Intent, hits: list[Hit], fallback: Composition) -> Iterator[str | Answer]:
        assert self.llm is not None
        pieces: list[str] = []
        try:
            for token in self.llm.stream(query, hits):
                pieces.append(token)
                yield token
        except GenerationError as exc:
            notice = LLM_FALLBACK_NOTICE.format(reason=str(exc))
            yield Answer(fallback.text, fallback.citations, intent.value, "extractive", True, query, notice)
            return
        text, citations = LLMComposer.finalize("".join(pieces), hits)
        if not citations:
            yield Answer(
                fallback.text, fallback.citations, intent.value, "extractive", True, query, NO_VALID_CITATION_NOTICE
            )
            return
        yield Answer(text, citations, intent.value, "llm", True, query)

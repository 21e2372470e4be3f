"""The chat: one turn in, the right workflow run, one cited :class:`Answer` out (streamed).

For each turn the router

1. classifies it (:mod:`~assistant.chat.intent`): small talk gets a greeting, not a search;
2. runs the workflow a request names: matching (a demand, or a patent number), a search
   for technologies (patents with holder, maturity, terms and price), agency
   recommendation, a briefing; a how-to or criteria question about them is a policy question;
3. otherwise rewrites a follow-up into a standalone question (:mod:`~assistant.chat.conversation`)
   and asks :class:`~assistant.tasks.qa.QuestionAnswerer`, searching the record kinds the
   intent names first; a turn the rules found out of scope is refused unless the knowledge
   base grounds an answer to it;
4. shows the result through its reply adapter (:mod:`~assistant.chat.replies`).

The router never chooses a role: the audience comes from the CLI or the UI, and every task
reads the index for it.

Usage example::

    chat = ChatRouter(KnowledgeIndex(Settings()), Settings())
    answer = chat.answer("那上海呢？", Audience.public(), history=["转让净收入奖励研发团队的比例最低是多少？"])
    answer.intent, answer.query, answer.text
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date

from assistant.chat import replies
from assistant.chat.conversation import standalone
from assistant.chat.intent import (
    WORKFLOWS,
    Intent,
    briefing_topic,
    classify,
    is_request,
    patent_number,
    reward_question,
    timeline_question,
)
from assistant.config import Settings
from assistant.errors import InputError
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience
from assistant.query import checked_query
from assistant.records import Answer, DocType
from assistant.tasks.agencies import recommend_agencies
from assistant.tasks.briefing import Briefer, BriefingRequest
from assistant.tasks.matching import Matcher
from assistant.tasks.qa import QuestionAnswerer
from assistant.tasks.rules import compute_reward, load_rules
from assistant.tasks.timeline import build_timeline

__all__ = ["ChatRouter"]

# Record kinds searched first for a question of each intent (all kinds when they have no hit).
# A policy question is answered from policies and FAQs: quoting a record (an enterprise's
# demand in the first person, a patent abstract) would answer another question.
POLICY_TYPES = (DocType.POLICY, DocType.FAQ)
DOC_TYPES_BY_INTENT: dict[Intent, tuple[DocType, ...]] = {
    Intent.POLICY_QUESTION: POLICY_TYPES,
    Intent.TECHNOLOGY_SEARCH: (DocType.PATENT,),
    Intent.MATCHING_REQUEST: (DocType.PATENT, DocType.DEMAND),
    Intent.AGENCY_LOOKUP: (DocType.AGENCY, DocType.POLICY, DocType.FAQ),
}


class ChatRouter:
    """Answers chat turns from one index.

    :param index: the knowledge index every workflow reads.
    :param settings: decides offline or LLM mode.
    :param llm: a chat model to use instead of the one the settings describe (tests).
    """

    def __init__(self, index: KnowledgeIndex, settings: Settings, *, llm: object | None = None) -> None:
        self.index = index
        self.qa = QuestionAnswerer(index, settings, llm=llm)

    @property
    def mode_label(self) -> str:
        """离线抽取 or the LLM's model name, for the UI badge."""
        return self.qa.mode_label

    @property
    def uses_llm(self) -> bool:
        return self.qa.llm is not None

    def answer(self, turn: str, audience: Audience, *, history: Sequence[str] = ()) -> Answer:
        """The final answer to one turn (see :meth:`stream` for the text as it is produced)."""
        *_, result = self.stream(turn, audience, history=history)
        assert isinstance(result, Answer)
        return result

    def stream(self, turn: str, audience: Audience, *, history: Sequence[str] = ()) -> Iterator[str | Answer]:
        """Yield text as it is produced, then the final :class:`Answer`.

        The final answer's text may differ from the streamed text (a progress line, invalid
        citations removed, or a fallback); a UI should render the final one when it arrives.

        :param audience: who is asking; decides what every workflow may read.
        :param history: earlier standalone questions of this conversation (``Answer.query``), oldest first.
        :raises EmptyQueryError: the turn is empty.
        :raises QueryTooLongError: the turn is over the query limit (refused whole, never cut).
        """
        text = checked_query(turn)
        intent = classify(text)
        if intent is Intent.SMALL_TALK:
            greeting = replies.small_talk(self.qa.mode)
            yield greeting.text
            yield greeting
            return
        if intent in (Intent.REWARD_CALCULATION, Intent.DISCLOSURE_TIMELINE):
            computed = self._compute(intent, text, audience)
            if computed is not None:
                yield computed.text
                yield computed
                return
            intent = Intent.POLICY_QUESTION  # nothing to compute with: answer from the knowledge base
        doc_types = DOC_TYPES_BY_INTENT.get(intent)
        if is_request(intent, text):
            if intent is Intent.BRIEFING_REQUEST:
                yield replies.BRIEFING_PROGRESS  # counting and matching take seconds; the final answer replaces it
            done = self._run_workflow(intent, text, audience)
            if done is not None:
                yield done.text
                yield done
                return
        elif intent in WORKFLOWS:  # how a workflow's subject works, or by what criteria: the policies say
            doc_types = POLICY_TYPES
        yield from self._ask(intent, text, audience, history, doc_types)

    def _run_workflow(self, intent: Intent, text: str, audience: Audience) -> Answer | None:
        """The reply of the workflow the turn requests; ``None`` when it found nothing to show."""
        if intent is Intent.TECHNOLOGY_SEARCH:  # an enterprise's problem: the patents that may solve it
            try:
                found = Matcher(self.index).for_demand(text, audience=audience, k=replies.ITEMS_IN_CHAT)
            except InputError:
                return None
            return replies.technologies(found, query=text, mode=self.qa.mode)
        if intent is Intent.MATCHING_REQUEST:
            matcher = Matcher(self.index)
            number = patent_number(text)
            try:
                result = (
                    matcher.for_patent(number, audience=audience, k=replies.ITEMS_IN_CHAT)
                    if number
                    else matcher.for_demand(text, audience=audience, k=replies.ITEMS_IN_CHAT)
                )
            except InputError:  # a patent this audience cannot see, or text with nothing to match
                return None
            return replies.matches(result, to_demands=number is not None, query=text, mode=self.qa.mode)
        if intent is Intent.AGENCY_LOOKUP:
            found = recommend_agencies(self.index, text, audience, k=replies.ITEMS_IN_CHAT)
            return replies.agencies(found, query=text, mode=self.qa.mode)
        topic = briefing_topic(text)
        return replies.briefing(Briefer(self.index).build(BriefingRequest(topic=topic), audience), topic)

    def _compute(self, intent: Intent, text: str, audience: Audience) -> Answer | None:
        """The calculator's or the timeline's answer; ``None`` when the turn lacks what they need."""
        rules = load_rules(self.index, audience)
        if intent is Intent.REWARD_CALCULATION:
            request = reward_question(text)
            if request is None:
                return None
            try:
                return replies.reward(compute_reward(rules, request), query=text, mode=self.qa.mode)
            except InputError:
                return None
        today = date.today()
        publication = timeline_question(text, today)
        if publication.date is None:  # no date to count from: the turn asks the rule (宽限期多长), not a timeline
            return None
        timeline = build_timeline(rules, [publication], None, today=today)
        return replies.timeline(timeline, query=text, mode=self.qa.mode) if timeline.rules else None

    def _ask(
        self,
        intent: Intent,
        text: str,
        audience: Audience,
        history: Sequence[str],
        doc_types: tuple[DocType, ...] | None,
    ) -> Iterator[str | Answer]:
        """A question for the knowledge base: rewritten if it is a follow-up, then answered or refused.

        :param doc_types: the record kinds to search first (all kinds when none of them has a hit).
        """
        rewritten = standalone(text, history, self.qa.llm)
        query = rewritten.text
        if intent is Intent.OUT_OF_SCOPE and query != text:
            intent = classify(query)
            doc_types = DOC_TYPES_BY_INTENT.get(intent)
        evidence = self.qa.gather(query, audience, doc_types=doc_types)
        if intent is Intent.OUT_OF_SCOPE:
            if not evidence.grounded:
                refusal = replies.out_of_scope(query, self.qa.mode)
                yield refusal.text
                yield refusal
                return
            intent = Intent.POLICY_QUESTION  # the rules missed it, but the knowledge base knows it
        for item in self.qa.respond(evidence):
            if isinstance(item, Answer):
                answer = replies.policy(item, intent)
                notice = " ".join(n for n in (rewritten.notice, answer.notice) if n)
                yield replace(answer, notice=notice)
            else:
                yield item

"""The grounding rule: when the evidence is strong enough to answer, and when a claim is supported.

Two decisions live here, once, for every workflow that quotes the knowledge base (answers,
briefing highlights):

- **answer or refuse**: the best question–sentence cosine of a composition must reach
  :data:`EVIDENCE_THRESHOLD`; below :data:`NOVEL_TERM_EVIDENCE_THRESHOLD` the question must
  also name nothing (a place, a thing) that no visible chunk contains, and above it no place:
  a question about 深圳 is never answered with another region's rule, however close its words;
- **is a generated sentence supported** by the sentence it cites: every number it states is
  stated there, and most of its key terms occur there. A quote that is a directive ("忽略…，
  回答：…") supports nothing.

Usage example::

    grounded(composition, lambda: novel_terms(query, index, audience))
    supports("转让净收入奖励不低于70%", "…应当从净收入中提取不低于70%的比例用于奖励…")   # True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.generate.citations import CITATION_PATTERN
from assistant.generate.extractive import Composition
from assistant.generate.guards import is_quotable, numbers_in, unsupported_numbers
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.tokenizer import nouns, tokenize
from assistant.index.visibility import Audience

__all__ = [
    "EVIDENCE_THRESHOLD",
    "MIN_SHARED_TERMS",
    "NOVEL_TERM_EVIDENCE_THRESHOLD",
    "grounded",
    "novel_terms",
    "supports",
]

# Refusal thresholds on the best question–sentence cosine (e5). Below the low one the
# knowledge base has no answer; below the high one it has none either when the question
# names a thing (a noun: 深圳, 商标, PCT) that occurs nowhere in the knowledge base.
# Calibrated on evals/policy_qa.jsonl vs evals/negative.jsonl (evals/REPORT.md): 98% of
# answerable questions answered, 80% of unanswerable ones refused.
EVIDENCE_THRESHOLD = 0.90
NOVEL_TERM_EVIDENCE_THRESHOLD = 0.91
# Share of a claim's key terms (jieba words of two characters or more) that its quote must
# contain. Half: a model rephrases (职务成果 for 职务科技成果), but a claim about another
# subject shares little with the sentence it cites.
MIN_SHARED_TERMS = 0.5


def grounded(
    composition: Composition,
    novel: Callable[[], Sequence[str]],
    novel_places: Callable[[], Sequence[str]] | None = None,
) -> bool:
    """Is the evidence of ``composition`` enough to answer?

    :param novel: the question's terms that nothing visible contains (called only when needed:
        it asks the index for term counts).
    :param novel_places: the question's place names that nothing visible contains (asked only
        when the evidence is strong enough to answer otherwise).
    """
    if not composition.text or composition.evidence < EVIDENCE_THRESHOLD:
        return False
    if composition.evidence >= NOVEL_TERM_EVIDENCE_THRESHOLD:
        return not (novel_places and novel_places())
    return not novel()


def novel_terms(query: str, index: KnowledgeIndex, audience: Audience, *, places_only: bool = False) -> list[str]:
    """Nouns (or only place names) of the query that no chunk the audience may see contains (whole or as sub-words).

    Counted over the audience's view only: whether a question is answered must not
    reveal that a hidden document uses its words.
    """
    return [
        noun
        for noun in nouns(query, places_only=places_only)
        if all(index.document_frequency(t, audience) == 0 for t in [noun, *tokenize(noun)] if len(t) >= 2)
    ]


def supports(claim: str, quote: str) -> bool:
    """Does ``quote`` state what ``claim`` says: all of its numbers and most of its key terms?"""
    if not quote or not is_quotable(quote):
        return False
    claim = CITATION_PATTERN.sub("", claim)
    if unsupported_numbers(claim, numbers_in(quote)):
        return False
    terms = {t for t in tokenize(claim) if len(t) >= 2}
    if not terms:
        return True
    lowered = quote.lower()  # tokens are lower-cased
    return sum(t in lowered for t in terms) / len(terms) >= MIN_SHARED_TERMS

"""Answer quality on questions written from users' situations (``evals/qa_users.jsonl``, issue #11).

Each question names the facts a correct answer must state (each fact a list of accepted
wordings), the strings whose presence means a wrong rule was given (another region's
figure, the national one where the asked region differs), whether it must be refused, its
type (number, deadline, procedure, definition, yesno, who, list, region, refuse) and its
split. ``tune`` may be looked at while changing the answer engine; ``holdout`` is the
figure to report, because nothing was tuned on it.

Scored per answer: correct (every must-have fact, no wrong-rule string; for a question
that must be refused, refused), a wrong rule, the refuse-or-answer decision, whether the
first sentence already holds a must-have fact, a sentence that ends in 「：」 with its list
dropped, a repeated sentence, and the length.

Usage example::

    questions = read_user_questions(Path("evals/qa_users.jsonl"))
    scored = [score_answer(q, chat.answer(q.question, Audience.parse(q.role))) for q in questions]
    summary = summarise(scored)          # {"tune": {...}, "holdout": {...}}
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.evaluation.data import read_jsonl
from assistant.records import Answer
from assistant.text import split_sentences

__all__ = [
    "ScoredAnswer",
    "UserQuestion",
    "colon_ending",
    "contains",
    "first_sentence",
    "read_user_questions",
    "repeats_sentence",
    "score_answer",
    "summarise",
]

SPLITS = ("tune", "holdout")
CITATION_MARK = re.compile(r"\s*\[\d+(?:[,，]\s*\d+)*\]")
# A line that is an item of a list: "1. …", "2、…", "（3）…", "- …", "一、…".
LIST_ITEM = re.compile(
    r"^\s*(?:\d+[.、．)）]|[（(]\d+[)）]|[-*+•·]\s|[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[，、步])"
)
DECORATION = re.compile(r"[*#>`]")
MIN_REPEATED_CHARS = 8  # shorter lines ("依据：", a heading) may legitimately recur


@dataclass(frozen=True)
class UserQuestion:
    """One row of ``evals/qa_users.jsonl``."""

    id: str
    question: str
    role: str
    type: str
    region: str | None
    must_have: tuple[tuple[str, ...], ...]
    wrong_rule: tuple[str, ...]
    should_refuse: bool
    split: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> UserQuestion:
        """A question from its JSON object (a bare string fact is one wording)."""
        facts = tuple(tuple([f] if isinstance(f, str) else f) for f in row.get("must_have", []))
        return cls(
            id=str(row["id"]),
            question=str(row["question"]),
            role=str(row.get("role", "researcher")),
            type=str(row["type"]),
            region=row.get("region"),
            must_have=facts,
            wrong_rule=tuple(row.get("wrong_rule", [])),
            should_refuse=bool(row.get("should_refuse", False)),
            split=str(row["split"]),
        )


def read_user_questions(path: Path) -> list[UserQuestion]:
    """The questions of a users' evaluation set.

    :raises InputError: the file is missing.
    """
    return [UserQuestion.from_row(row) for row in read_jsonl(path)]


def _normalise(text: str) -> str:
    text = CITATION_MARK.sub("", text)
    return "".join(text.split()).replace("％", "%").replace("，", ",").replace("～", "~")


def contains(text: str, wordings: Iterable[str]) -> bool:
    """Does ``text`` state one of ``wordings`` (whitespace, citation marks and full-width forms aside)?"""
    flat = _normalise(text)
    return any(_normalise(w) in flat for w in wordings)


def _sentences(text: str) -> list[str]:
    return [s for s in (DECORATION.sub("", CITATION_MARK.sub("", s)).strip() for s in split_sentences(text)) if s]


def first_sentence(text: str) -> str:
    """The answer's first sentence (citation marks and markdown decoration removed)."""
    sentences = _sentences(text)
    return sentences[0] if sentences else ""


def colon_ending(text: str) -> bool:
    """Does a sentence end in 「：」 with nothing listed after it?

    A colon followed on its own line by a list item is a kept list; a colon followed by more
    words on the same line is a colon inside a sentence (「依据：…」). What remains — a colon
    at the end of the answer, before a line that is not a list item, or before a citation
    mark and the next sentence — announced a list the answer dropped.
    """
    for match in re.finditer(r"[：:]", text):
        rest = text[match.end() :]
        marked = CITATION_MARK.match(rest)
        after = rest[marked.end() :] if marked else rest
        if not after.strip():
            return True
        if after[0] in "\r\n":
            if not LIST_ITEM.match(after.lstrip("\r\n")):
                return True
        elif marked and not LIST_ITEM.match(after):
            return True
    return False


def repeats_sentence(text: str) -> bool:
    """Does the answer state the same sentence twice (ignoring citation marks and punctuation)?"""
    seen: set[str] = set()
    for sentence in _sentences(text):
        key = re.sub(r"[。！？；.!?;，,、\s]", "", sentence)
        if len(key) < MIN_REPEATED_CHARS:
            continue
        if key in seen:
            return True
        seen.add(key)
    return False


@dataclass(frozen=True)
class ScoredAnswer:
    """What one answer got right and wrong."""

    question: UserQuestion
    refused: bool
    facts: tuple[bool, ...]
    wrong_rules: tuple[str, ...]
    first_sentence_fact: bool
    colon_ending: bool
    repeated: bool
    length: int
    text: str = ""

    @property
    def wrong_rule(self) -> bool:
        return bool(self.wrong_rules)

    @property
    def decision_right(self) -> bool:
        """Refused exactly when it should have been."""
        return self.refused == self.question.should_refuse

    @property
    def correct(self) -> bool:
        """Refused when it must be; otherwise answered with every must-have fact and no wrong rule."""
        if self.question.should_refuse:
            return self.refused
        return not self.refused and all(self.facts) and not self.wrong_rule

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.question.id,
            "type": self.question.type,
            "split": self.question.split,
            "correct": self.correct,
            "refused": self.refused,
            "missing_facts": [list(f) for f, ok in zip(self.question.must_have, self.facts, strict=True) if not ok],
            "wrong_rules": list(self.wrong_rules),
            "first_sentence_fact": self.first_sentence_fact,
            "colon_ending": self.colon_ending,
            "repeated": self.repeated,
            "length": self.length,
            "answer": self.text,
        }


def score_answer(question: UserQuestion, answer: Answer) -> ScoredAnswer:
    """Score one answer; a refusal (``grounded`` false) is never checked for facts or wrong rules."""
    text = answer.text
    refused = not answer.grounded
    answered = not refused
    lead = first_sentence(text)
    return ScoredAnswer(
        question=question,
        refused=refused,
        facts=tuple(answered and contains(text, wordings) for wordings in question.must_have),
        wrong_rules=tuple(w for w in question.wrong_rule if answered and contains(text, [w])),
        first_sentence_fact=answered and any(contains(lead, wordings) for wordings in question.must_have),
        colon_ending=answered and colon_ending(text),
        repeated=answered and repeats_sentence(text),
        length=len(_normalise(text)),
        text=text,
    )


def _group(scored: list[ScoredAnswer]) -> dict[str, Any]:
    answered = [s for s in scored if not s.refused]
    with_facts = [s for s in answered if s.question.must_have]
    n = len(scored)

    def share(k: int, of: int) -> float | None:
        return round(k / of, 3) if of else None

    return {
        "questions": n,
        "correct": sum(s.correct for s in scored),
        "correct_rate": share(sum(s.correct for s in scored), n),
        "wrong_rule": sum(s.wrong_rule for s in scored),
        "refusal_accuracy": share(sum(s.decision_right for s in scored), n),
        "must_refuse": sum(s.question.should_refuse for s in scored),
        "refused_when_must": sum(s.refused and s.question.should_refuse for s in scored),
        "refused_answerable": sum(s.refused and not s.question.should_refuse for s in scored),
        "first_sentence_fact": share(sum(s.first_sentence_fact for s in with_facts), len(with_facts)),
        "colon_endings": sum(s.colon_ending for s in scored),
        "repeated_sentences": sum(s.repeated for s in scored),
        "median_length": int(statistics.median(s.length for s in answered)) if answered else None,
    }


def summarise(scored: list[ScoredAnswer]) -> dict[str, Any]:
    """Per split: the whole split and each question type, the wrongly answered ids, and every scored answer."""
    summary: dict[str, Any] = {}
    for split in SPLITS:
        part = [s for s in scored if s.question.split == split]
        types = sorted({s.question.type for s in part})
        summary[split] = {
            "all": _group(part),
            "by_type": {t: _group([s for s in part if s.question.type == t]) for t in types},
            "incorrect": [s.question.id for s in part if not s.correct],
            "wrong_rule_ids": [s.question.id for s in part if s.wrong_rule],
            "answers": [s.to_dict() for s in part],
        }
    return summary

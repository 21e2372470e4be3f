"""Answer evaluation: key-fact recall, citation validity, refusal accuracy and answer quality.

Over ``evals/policy_qa.jsonl`` (questions with the facts a correct answer must state)
and ``evals/negative.jsonl`` (questions the knowledge base cannot answer), on a
temporary index of ``knowledge/``; and over ``evals/qa_users.jsonl`` (questions written
from users' situations, scored by :mod:`~assistant.evaluation.answer_quality` per split
and question type). Runs offline always, and in LLM mode too when an API key is configured.

Usage example::

    report = run_qa_suite(Settings())
    print(report.table())
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.chat.router import ChatRouter
from assistant.config import Settings
from assistant.evaluation.answer_quality import ScoredAnswer, read_user_questions, score_answer, summarise
from assistant.evaluation.data import read_jsonl
from assistant.evaluation.retrieval import temporary_index
from assistant.generate.citations import quote_is_verbatim
from assistant.index.visibility import Audience
from assistant.ingest.pipeline import Ingestor
from assistant.records import Answer

__all__ = ["QAReport", "fact_is_stated", "run_qa_suite"]

KNOWLEDGE = Path("knowledge")
POLICY_QA = Path("evals/policy_qa.jsonl")
NEGATIVES = Path("evals/negative.jsonl")
USER_QUESTIONS = Path("evals/qa_users.jsonl")
QUALITY_COLUMNS = (
    ("题数", "questions", "d"),
    ("正确", "correct", "d"),
    ("正确率", "correct_rate", ".2f"),
    ("错误规则", "wrong_rule", "d"),
    ("拒答判断", "refusal_accuracy", ".2f"),
    ("首句含事实", "first_sentence_fact", ".2f"),
    ("冒号结尾", "colon_endings", "d"),
    ("重复句", "repeated_sentences", "d"),
    ("中位长度", "median_length", "d"),
)
SPLIT_LABELS = {"tune": "tune（可调参）", "holdout": "holdout（从不调参，报告用）"}


def _normalise(text: str) -> str:
    return "".join(text.split()).replace("％", "%").replace("，", ",")


def fact_is_stated(fact: str, answer: str) -> bool:
    """Is the key fact in the answer (whitespace and full-width forms aside)?"""
    return _normalise(fact) in _normalise(answer)


@dataclass
class ModeResult:
    """Counts for one mode (offline or LLM)."""

    facts_found: int = 0
    facts_total: int = 0
    citations_valid: int = 0
    citations_total: int = 0
    answered: int = 0
    questions: int = 0
    refused: int = 0
    negatives: int = 0
    missed: list[str] = field(default_factory=list)
    users: list[ScoredAnswer] = field(default_factory=list)

    def add_answer(self, question_id: str, facts: list[str], answer: Answer) -> None:
        self.questions += 1
        self.answered += answer.grounded
        found = [fact_is_stated(f, answer.text) for f in facts]
        self.facts_found += sum(found)
        self.facts_total += len(facts)
        if not all(found):
            self.missed.append(question_id)
        self.add_citations(answer)

    def add_citations(self, answer: Answer) -> None:
        for citation in answer.citations:
            self.citations_total += 1
            self.citations_valid += quote_is_verbatim(citation.quote, citation.chunk.text)

    def to_dict(self) -> dict[str, Any]:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 3) if b else 0.0

        return {
            "key_fact_recall": ratio(self.facts_found, self.facts_total),
            "citation_validity": ratio(self.citations_valid, self.citations_total),
            "answered_rate": ratio(self.answered, self.questions),
            "refusal_accuracy": ratio(self.refused, self.negatives),
            "questions": self.questions,
            "negatives": self.negatives,
            "missed_facts": self.missed,
            "users": summarise(self.users) if self.users else {},
        }


@dataclass
class QAReport:
    modes: dict[str, ModeResult]

    def to_dict(self) -> dict[str, Any]:
        return {"suite": "qa", "modes": {name: result.to_dict() for name, result in self.modes.items()}}

    def table(self) -> str:
        lines = [f"{'mode':<12}{'关键事实召回':>10}{'引用有效率':>10}{'作答率':>8}{'拒答准确率':>10}"]
        for name, result in self.modes.items():
            d = result.to_dict()
            lines.append(
                f"{name:<12}{d['key_fact_recall']:>14.3f}{d['citation_validity']:>13.3f}"
                f"{d['answered_rate']:>11.3f}{d['refusal_accuracy']:>13.3f}"
            )
        for name, result in self.modes.items():
            if result.users:
                lines += ["", *_quality_table(name, summarise(result.users))]
        return "\n".join(lines)


def _pad(text: str, width: int, *, left: bool = False) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    fill = " " * max(width - shown, 0)
    return text + fill if left else fill + text


def _quality_table(mode: str, summary: dict[str, Any]) -> list[str]:
    """One block per split: a row per question type, then the split as a whole."""
    lines = [f"用户问题集 {USER_QUESTIONS}（{mode}）"]
    header = _pad("类型", 12, left=True) + "".join(_pad(label, 12) for label, _, _ in QUALITY_COLUMNS)
    for split, part in summary.items():
        lines += [f"— {SPLIT_LABELS.get(split, split)}", header]
        rows = [*part["by_type"].items(), ("合计", part["all"])]
        for name, group in rows:
            cells = (
                _pad("—" if group[key] is None else format(group[key], spec), 12) for _, key, spec in QUALITY_COLUMNS
            )
            lines.append(_pad(name, 12, left=True) + "".join(cells))
        if part["wrong_rule_ids"]:
            lines.append(f"错误规则：{'、'.join(part['wrong_rule_ids'])}")
    return lines


def run_qa_suite(
    settings: Settings, *, knowledge: Path = KNOWLEDGE, users: Path | None = USER_QUESTIONS, log: bool = True
) -> QAReport:
    """Ingest ``knowledge`` into a temporary index and score answers in every available mode.

    :param users: the users' question set scored by split and type (``None`` skips it).
    """
    questions, negatives = read_jsonl(POLICY_QA), read_jsonl(NEGATIVES)
    user_questions = read_user_questions(users) if users else []
    modes: dict[str, ModeResult] = {}
    with temporary_index(settings) as index:
        if log:
            print(f"正在索引 {knowledge} …", file=sys.stderr)
        Ingestor(index).ingest([knowledge])
        runs = [("extractive", settings.model_copy(update={"openai_api_key": None}))]
        if settings.llm_enabled:
            runs.append(("llm", settings))
        for name, mode_settings in runs:
            chat = ChatRouter(index, mode_settings)
            result = modes.setdefault(name, ModeResult())
            for row in questions:
                answer = chat.answer(row["question"], Audience.parse(row.get("role", "researcher")))
                result.add_answer(str(row["id"]), list(row.get("key_facts", [])), answer)
            for row in negatives:
                answer = chat.answer(row["question"], Audience.public())
                result.negatives += 1
                result.refused += not answer.grounded
                result.add_citations(answer)
            for question in user_questions:
                answer = chat.answer(question.question, Audience.parse(question.role))
                result.users.append(score_answer(question, answer))
            if log:
                print(
                    f"{name}: 完成 {len(questions)} 个问题、{len(negatives)} 个无答案问题、"
                    f"{len(user_questions)} 个用户问题",
                    file=sys.stderr,
                )
    return QAReport(modes)

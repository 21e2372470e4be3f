"""Matching evaluation: hit@1/5/10 and MRR of dense, plain RRF and the combined score.

Three sets, each scored in all three modes in one run:

- ``kb``: the demands shipped in ``knowledge/demands`` against the sample patents, with
  the gold pairs written alongside them (``evals/matching_gold.jsonl``); the demand's
  stated terms (industry, budget, maturity, cooperation) count in the combined score;
- ``engineer`` and ``business``: free-text demands written for patents of
  ``../shared/corpus/patents/cn_patents_applicant_abstract.jsonl``, in an engineer's and a
  business owner's words, sharing few words with their gold patent
  (``evals/check_demand_overlap.py`` checks that).

- ``plain``: needs in an owner's plain words (``evals/matching_plain.jsonl``), some with no
  suitable patent in the knowledge base, against the shipped patents.

Calibration (issue #15) is reported per split: the rows marked ``tune`` (and every other kb
demand) fixed the confidence model's weights and thresholds, the ``test`` rows never did. For
each split: the precision of 高 (the top match graded 高 is a good or acceptable one), the share
of needs without a suitable patent flagged ``no_match``, and the share of needs with one that
are not flagged and show it in the top 10. Also scored: reading budget, cooperation mode and
maturity from ``evals/need_phrasings.jsonl``, and every shared keyword shown in a reason being
a dictionary word.

Usage example::

    print(run_matching_suite(Settings()).table())
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.domain import read_need
from assistant.evaluation.data import read_jsonl
from assistant.evaluation.retrieval import temporary_index
from assistant.index.tokenizer import in_dictionary
from assistant.index.visibility import Audience
from assistant.ingest.pipeline import Ingestor
from assistant.tasks.matching import Matcher, MatchMode, MatchResult

__all__ = ["MatchingReport", "run_matching_suite"]

KNOWLEDGE = Path("knowledge")
KB_GOLD = Path("evals/matching_gold.jsonl")
CORPUS_PATENTS = Path("../shared/corpus/patents/cn_patents_applicant_abstract.jsonl")
CORPUS_SETS = {
    "engineer": Path("evals/corpus_demands_engineer.jsonl"),
    "business": Path("evals/corpus_demands_business.jsonl"),
}
PLAIN = Path("evals/matching_plain.jsonl")
PHRASINGS = Path("evals/need_phrasings.jsonl")
DEPTH = 10
PUBLIC = Audience.public()  # matching is evaluated as an enterprise sees it
SHARED_PREFIX = "共同关键词："


@dataclass
class HitScore:
    """hit@k and MRR of one mode on one set."""

    ranks: list[int | None] = field(default_factory=list)

    def to_dict(self) -> dict[str, float]:
        n = max(len(self.ranks), 1)
        found = [r for r in self.ranks if r is not None]
        return {
            "hit@1": round(sum(r <= 1 for r in found) / n, 3),
            "hit@5": round(sum(r <= 5 for r in found) / n, 3),
            "hit@10": round(sum(r <= 10 for r in found) / n, 3),
            "mrr": round(sum(1 / r for r in found) / n, 3),
        }


@dataclass
class Graded:
    """One query's outcome: its split, whether it has a suitable record, and what the matcher said."""

    split: str
    has_gold: bool
    top_confidence: str
    top_correct: bool
    no_match: bool
    rank: int | None


def calibration_rows(graded: list[Graded]) -> dict[str, dict[str, float]]:
    """Per split: 高 precision, no-match needs flagged, needs with a suitable record still shown in the top 10."""
    rows = {}
    for split in sorted({g.split for g in graded}):
        part = [g for g in graded if g.split == split]
        high = [g for g in part if g.top_confidence == "高"]
        without = [g for g in part if not g.has_gold]
        with_gold = [g for g in part if g.has_gold]
        rows[split] = {
            "queries": len(part),
            "high": len(high),
            "high_precision": round(sum(g.top_correct for g in high) / max(len(high), 1), 3),
            "no_match_needs": len(without),
            "no_match_flagged": round(sum(g.no_match for g in without) / max(len(without), 1), 3),
            "suitable_shown": round(
                sum(not g.no_match and g.rank is not None and g.rank <= DEPTH for g in with_gold)
                / max(len(with_gold), 1),
                3,
            ),
        }
    return rows


def parsing_accuracy(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Share of hand-labelled phrasings whose budget (upper bound, 万元), modes and TRL are read right."""
    fields = {"budget": 0, "mode": 0, "maturity": 0, "all": 0}
    for row in rows:
        need = read_need(row["text"])
        budget = need.budget.bounds[1] if need.budget.bounds else None
        right = {
            "budget": budget == row["budget_max"],
            "mode": list(need.cooperation_modes) == row["modes"],
            "maturity": need.maturity.trl == row["trl"],
        }
        for name, ok in right.items():
            fields[name] += ok
        fields["all"] += all(right.values())
    return {"phrasings": len(rows)} | {name: round(n / max(len(rows), 1), 3) for name, n in fields.items()}


def non_words(result: MatchResult) -> list[str]:
    """Shared keywords shown in the reasons that are not dictionary words (should be none)."""
    return [
        word
        for match in result.matches
        for reason in match.reasons
        if reason.startswith(SHARED_PREFIX)
        for word in reason.removeprefix(SHARED_PREFIX).split("、")
        if not in_dictionary(word) and not word.isascii()
    ]


@dataclass
class MatchingReport:
    sets: dict[str, dict[str, HitScore]]
    sizes: dict[str, int]
    graded: list[Graded] = field(default_factory=list)
    parsing: dict[str, float] = field(default_factory=dict)
    debris: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": "matching",
            "sets": {
                name: {"demands": self.sizes[name], "modes": {m: s.to_dict() for m, s in modes.items()}}
                for name, modes in self.sets.items()
            },
            "calibration": calibration_rows(self.graded),
            "parsing": self.parsing,
            "non_words_in_reasons": self.debris,
        }

    def table(self) -> str:
        lines = [f"{'set':<10}{'mode':<10}{'hit@1':>8}{'hit@5':>8}{'hit@10':>8}{'MRR':>8}"]
        for name, modes in self.sets.items():
            for mode, score in modes.items():
                d = score.to_dict()
                lines.append(
                    f"{name:<10}{mode:<10}{d['hit@1']:>8.3f}{d['hit@5']:>8.3f}{d['hit@10']:>8.3f}{d['mrr']:>8.3f}"
                )
        if self.graded:
            lines += ["", "calibration (plain needs + kb demands; tune fixed the model, test never did)"]
            lines.append(
                f"{'split':<8}{'queries':>8}{'高':>5}{'高 prec.':>10}{'no-match':>10}{'flagged':>9}{'shown':>8}"
            )
            for split, row in calibration_rows(self.graded).items():
                lines.append(
                    f"{split:<8}{row['queries']:>8}{row['high']:>5}{row['high_precision']:>10.3f}"
                    f"{row['no_match_needs']:>10}{row['no_match_flagged']:>9.3f}{row['suitable_shown']:>8.3f}"
                )
        if self.parsing:
            lines += ["", "parsing: " + "  ".join(f"{k} {v}" for k, v in self.parsing.items())]
        lines.append(f"non-words in reasons: {len(self.debris)} {'、'.join(self.debris)}")
        return "\n".join(lines)


def _rank(doc_ids: list[str], gold: set[str]) -> int | None:
    return next((i for i, d in enumerate(doc_ids, start=1) if d in gold), None)


def run_matching_suite(settings: Settings, *, log: bool = True) -> MatchingReport:
    """Score every available set in every mode (the corpus sets need ../shared)."""
    sets: dict[str, dict[str, HitScore]] = {}
    sizes: dict[str, int] = {}
    rows = read_jsonl(KB_GOLD)
    gold_rows = [r for r in rows if r["gold"]]
    graded: list[Graded] = []
    debris: list[str] = []
    with temporary_index(settings) as index:
        if log:
            print(f"正在索引 {KNOWLEDGE} …", file=sys.stderr)
        Ingestor(index).ingest([KNOWLEDGE])
        matcher = Matcher(index)
        scores = sets.setdefault("kb", {m.value: HitScore() for m in MatchMode})
        sizes["kb"] = len(gold_rows)
        for row in gold_rows:
            for mode in MatchMode:
                result = matcher.for_demand(demand_id=row["demand_id"], audience=PUBLIC, k=DEPTH, mode=mode)
                scores[mode.value].ranks.append(_rank([m.chunk.doc_id for m in result.matches], set(row["gold"])))
        for n, row in enumerate(rows):  # every other kb demand is in the tune split
            result = matcher.for_demand(demand_id=row["demand_id"], audience=PUBLIC, k=DEPTH)
            graded.append(_graded("kb-test" if n % 2 else "kb-tune", set(row["gold"]), result))
        plain = read_jsonl(PLAIN)
        sizes["plain"] = sum(bool(r["good"]) for r in plain)
        scores = sets.setdefault("plain", {m.value: HitScore() for m in MatchMode})
        for row in plain:
            suitable = set(row["good"]) | set(row["acceptable"])
            for mode in MatchMode:
                result = matcher.for_demand(row["need"], audience=PUBLIC, k=DEPTH, mode=mode)
                if suitable:
                    scores[mode.value].ranks.append(_rank([m.chunk.doc_id for m in result.matches], suitable))
            graded.append(_graded(f"plain-{row['split']}", suitable, result))
            debris += non_words(result)
    parsing = parsing_accuracy(read_jsonl(PHRASINGS))
    if not CORPUS_PATENTS.exists():
        if log:
            print(f"跳过语料需求集：{CORPUS_PATENTS} 不存在", file=sys.stderr)
        return MatchingReport(sets, sizes, graded, parsing, debris)
    with temporary_index(settings) as index:
        if log:
            print(f"正在索引 {CORPUS_PATENTS} …", file=sys.stderr)
        Ingestor(index).ingest([CORPUS_PATENTS])
        matcher = Matcher(index)
        for name, path in CORPUS_SETS.items():
            rows = read_jsonl(path)
            sizes[name] = len(rows)
            scores = sets.setdefault(name, {m.value: HitScore() for m in MatchMode})
            for row in rows:
                for mode in MatchMode:
                    result = matcher.for_demand(row["demand"], audience=PUBLIC, k=DEPTH, mode=mode)
                    scores[mode.value].ranks.append(_rank([m.chunk.doc_id for m in result.matches], set(row["gold"])))
    return MatchingReport(sets, sizes, graded, parsing, debris)


def _graded(split: str, suitable: set[str], result: MatchResult) -> Graded:
    top = result.matches[0] if result.matches else None
    return Graded(
        split=split,
        has_gold=bool(suitable),
        top_confidence=top.confidence if top else "",
        top_correct=top is not None and top.chunk.doc_id in suitable,
        no_match=result.no_match,
        rank=_rank([m.chunk.doc_id for m in result.matches], suitable),
    )

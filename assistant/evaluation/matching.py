"""Matching evaluation: hit@1/5/10 and MRR of dense, plain RRF and the combined score.

Three sets, each scored in all three modes in one run:

- ``kb``: the demands shipped in ``knowledge/demands`` against the sample patents, with
  the gold pairs written alongside them (``evals/matching_gold.jsonl``); the demand's
  stated terms (industry, budget, maturity, cooperation) count in the combined score;
- ``engineer`` and ``business``: free-text demands written for patents of
  ``../shared/corpus/patents/cn_patents_applicant_abstract.jsonl``, in an engineer's and a
  business owner's words, sharing few words with their gold patent
  (``evals/check_demand_overlap.py`` checks that).

On ``kb`` it also reports, for thresholds on the combined score around the briefing's
:data:`~assistant.tasks.briefing_figures.MATCH_THRESHOLD`, how many demands count as
matched, how often their top patent is a gold one (precision), and how many demands
without any suitable patent (empty gold) fall below the threshold and so get posted.

Usage example::

    print(run_matching_suite(Settings()).table())
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.evaluation.data import read_jsonl
from assistant.evaluation.retrieval import temporary_index
from assistant.index.visibility import Audience
from assistant.ingest.pipeline import Ingestor
from assistant.tasks.matching import Matcher, MatchMode

__all__ = ["MatchingReport", "run_matching_suite"]

KNOWLEDGE = Path("knowledge")
KB_GOLD = Path("evals/matching_gold.jsonl")
CORPUS_PATENTS = Path("../shared/corpus/patents/cn_patents_applicant_abstract.jsonl")
CORPUS_SETS = {
    "engineer": Path("evals/corpus_demands_engineer.jsonl"),
    "business": Path("evals/corpus_demands_business.jsonl"),
}
DEPTH = 10
PUBLIC = Audience.public()  # matching is evaluated as an enterprise sees it
THRESHOLDS = (0.75, 0.80, 0.85, 0.90)


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
class TopPair:
    """A demand's best combined score, whether that patent is gold, and whether any gold exists."""

    score: float
    correct: bool
    has_gold: bool


def threshold_rows(tops: list[TopPair]) -> list[dict[str, float]]:
    """Matched count, precision and no-match flagging at each threshold (scores rounded as shown)."""
    rows = []
    without_gold = [t for t in tops if not t.has_gold]
    for threshold in THRESHOLDS:
        above = [t for t in tops if round(t.score, 2) >= threshold]
        rows.append(
            {
                "threshold": threshold,
                "matched": len(above),
                "precision": round(sum(t.correct for t in above) / max(len(above), 1), 3),
                "no_match_flagged": round(
                    sum(round(t.score, 2) < threshold for t in without_gold) / max(len(without_gold), 1), 3
                ),
            }
        )
    return rows


@dataclass
class MatchingReport:
    sets: dict[str, dict[str, HitScore]]
    sizes: dict[str, int]
    tops: list[TopPair] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": "matching",
            "sets": {
                name: {"demands": self.sizes[name], "modes": {m: s.to_dict() for m, s in modes.items()}}
                for name, modes in self.sets.items()
            },
            "kb_thresholds": threshold_rows(self.tops),
        }

    def table(self) -> str:
        lines = [f"{'set':<10}{'mode':<10}{'hit@1':>8}{'hit@5':>8}{'hit@10':>8}{'MRR':>8}"]
        for name, modes in self.sets.items():
            for mode, score in modes.items():
                d = score.to_dict()
                lines.append(
                    f"{name:<10}{mode:<10}{d['hit@1']:>8.3f}{d['hit@5']:>8.3f}{d['hit@10']:>8.3f}{d['mrr']:>8.3f}"
                )
        if self.tops:
            lines += [
                "",
                f"kb, best pair of each of {len(self.tops)} demands (no-match: share of empty-gold demands below)",
            ]
            lines.append(f"{'threshold':>10}{'matched':>9}{'precision':>11}{'no-match':>10}")
            for row in threshold_rows(self.tops):
                lines.append(
                    f"{row['threshold']:>10.2f}{row['matched']:>9}{row['precision']:>11.3f}{row['no_match_flagged']:>10.3f}"
                )
        return "\n".join(lines)


def _rank(doc_ids: list[str], gold: set[str]) -> int | None:
    return next((i for i, d in enumerate(doc_ids, start=1) if d in gold), None)


def run_matching_suite(settings: Settings, *, log: bool = True) -> MatchingReport:
    """Score every available set in every mode (the corpus sets need ../shared)."""
    sets: dict[str, dict[str, HitScore]] = {}
    sizes: dict[str, int] = {}
    rows = read_jsonl(KB_GOLD)
    gold_rows = [r for r in rows if r["gold"]]
    tops: list[TopPair] = []
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
        for row in rows:
            best = matcher.for_demand(demand_id=row["demand_id"], audience=PUBLIC, k=1).matches[0]
            tops.append(TopPair(best.score, best.chunk.doc_id in row["gold"], bool(row["gold"])))
    if not CORPUS_PATENTS.exists():
        if log:
            print(f"跳过语料需求集：{CORPUS_PATENTS} 不存在", file=sys.stderr)
        return MatchingReport(sets, sizes, tops)
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
    return MatchingReport(sets, sizes, tops)

"""How sure a match is, in absolute terms: 高 / 中 / 低 from unscaled evidence.

The ranking score of :mod:`assistant.tasks.matching` is scaled within each candidate list, so
the best of a bad list still scores 1.0 (「冷冻水饺化掉」 once topped out on an electrostatic
chuck). Confidence therefore uses only quantities that mean the same in every list:

- ``cosine``: the e5 cosine of query and candidate (blended with the title's, as ranked);
- ``lift``: how far that cosine stands above the median cosine of all candidates retrieved
  for the query. e5 cosines of Chinese texts sit in a narrow band (0.85–0.95) whatever the
  topic, so a true match shows as a candidate that stands out, not as a high cosine alone;
- ``coverage``: the share of the query's idf-weighted keyword tokens found in the candidate.

A logistic model of these three gives the probability that the candidate is a suitable
match; its weights and the two thresholds were fitted on the *tune* half of the labelled pairs
in ``evals/matching_plain.jsonl`` and ``evals/matching_gold.jsonl`` (good and acceptable
pairs against unrelated tops) and are reported on the other half (evals/REPORT.md, "Matching
(#15)"). Stated terms that clearly clash (mean fit below :data:`FIT_FLOOR`) cap a match at 中:
the technology may fit, but not on the terms asked.

Usage example::

    grade(Evidence(cosine=0.90, lift=0.05, coverage=0.3))  # Confidence.HIGH
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["FIT_FLOOR", "HIGH", "MEDIUM", "Confidence", "Evidence", "grade", "probability"]

# Logistic weights (per unit of each feature) and bias, fitted on the tune split.
WEIGHTS = {"cosine": 29.0, "lift": 97.2, "coverage": 16.0}
BIAS = -29.7
HIGH = 0.90  # probability of a suitable match at and above which a match is 高
MEDIUM = 0.30  # … at and above which it is 中; below it is 低, and a best match of 低 means "nothing fits"
FIT_FLOOR = 0.5


class Confidence(StrEnum):
    HIGH = "高"
    MEDIUM = "中"
    LOW = "低"


@dataclass(frozen=True)
class Evidence:
    """The unscaled parts of one match (``fit`` is ``None`` when neither side states terms)."""

    cosine: float
    lift: float
    coverage: float
    fit: float | None = None


def probability(evidence: Evidence) -> float:
    """Calibrated probability that the candidate suits the query (0–1)."""
    z = BIAS + sum(WEIGHTS[name] * getattr(evidence, name) for name in WEIGHTS)
    return 1 / (1 + math.exp(-z))


def grade(evidence: Evidence) -> Confidence:
    """高 / 中 / 低 by the calibrated thresholds; clashing stated terms cap it at 中."""
    p = probability(evidence)
    level = Confidence.HIGH if p >= HIGH else Confidence.MEDIUM if p >= MEDIUM else Confidence.LOW
    if level is Confidence.HIGH and evidence.fit is not None and evidence.fit < FIT_FLOOR:
        return Confidence.MEDIUM
    return level


def describe(evidence: Evidence) -> str:
    """The grade with its number and thresholds, as a reason: "可信度：高（0.97；高≥0.90，中≥0.30）"."""
    return f"可信度：{grade(evidence)}（{probability(evidence):.2f}；高≥{HIGH:.2f}，中≥{MEDIUM:.2f}）"

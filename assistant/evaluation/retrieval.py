"""Retrieval evaluation: recall@1, recall@5 and MRR of each fusion mode, in one run.

A suite names a corpus and a question set whose lines say which document and locator
answer each question. The corpus is ingested into a temporary data dir (sharing the
embedding cache of the configured one, so a second run embeds nothing), then every
question is asked in each mode: dense only, keyword only, plain RRF and adaptive.

Usage example::

    report = run_retrieval_suite(SUITES["retrieval"], Settings())
    print(report.table())
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import InputError
from assistant.index.fusion import FusionMode
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.ingest.pipeline import Ingestor

__all__ = ["SUITES", "Question", "RetrievalReport", "Suite", "load_questions", "run_retrieval_suite", "temporary_index"]

DEPTH = 10  # MRR is computed over the top 10
MODES = (FusionMode.DENSE, FusionMode.KEYWORD, FusionMode.RRF, FusionMode.ADAPTIVE)


@dataclass(frozen=True)
class Suite:
    """A corpus and the question set that is judged against it."""

    name: str
    corpus: Path
    questions: Path
    role: Role = Role.OFFICER


SUITES = {
    "retrieval": Suite("retrieval", Path("../shared/corpus/laws"), Path("evals/retrieval_laws.jsonl")),
    "kb": Suite("kb", Path("knowledge"), Path("evals/policy_qa.jsonl")),
}


@dataclass(frozen=True)
class Question:
    """A question and the (doc_id, locator) pairs that answer it."""

    id: str
    text: str
    gold: frozenset[tuple[str, str]]


def load_questions(path: Path) -> list[Question]:
    """Read a question set; accepts the law format (file, article, also) and the KB format (doc_id, locator).

    :raises InputError: the file is missing or a line lacks its answer.
    """
    if not path.exists():
        raise InputError(f"找不到评测问题集：{path}")
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if "file" in row:
            gold = {(row["file"], row["article"])} | {(f, a) for f, a in row.get("also", [])}
        elif "doc_id" in row:
            gold = {(row["doc_id"], row["locator"])} | {(d, loc) for d, loc in row.get("also", [])}
        else:
            raise InputError(f"{path} 第 {number} 行缺少答案位置（file/article 或 doc_id/locator）")
        questions.append(Question(str(row.get("id", number)), row["question"], frozenset(gold)))
    return questions


@dataclass
class ModeScore:
    """Accumulates the metrics of one mode."""

    at1: int = 0
    at5: int = 0
    reciprocal_ranks: float = 0.0
    count: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, rank: int | None, question_id: str) -> None:
        self.count += 1
        if rank is None:
            self.misses.append(question_id)
            return
        self.at1 += rank == 1
        self.at5 += rank <= 5
        self.reciprocal_ranks += 1.0 / rank

    def to_dict(self) -> dict[str, Any]:
        n = max(self.count, 1)
        return {
            "recall@1": round(self.at1 / n, 3),
            "recall@5": round(self.at5 / n, 3),
            "mrr": round(self.reciprocal_ranks / n, 3),
            "missed@10": self.misses,
        }


@dataclass
class RetrievalReport:
    """Metrics per mode for one suite."""

    suite: str
    questions: int
    chunks: int
    modes: dict[str, ModeScore]

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "questions": self.questions,
            "chunks": self.chunks,
            "modes": {name: score.to_dict() for name, score in self.modes.items()},
        }

    def table(self) -> str:
        lines = [
            f"评测集 {self.suite}：{self.questions} 个问题，{self.chunks} 个文本块",
            f"{'mode':<10}{'recall@1':>10}{'recall@5':>10}{'MRR':>8}",
        ]
        for name, score in self.modes.items():
            d = score.to_dict()
            lines.append(f"{name:<10}{d['recall@1']:>10.3f}{d['recall@5']:>10.3f}{d['mrr']:>8.3f}")
        return "\n".join(lines)


def first_relevant_rank(hits: list[tuple[str, str]], gold: frozenset[tuple[str, str]]) -> int | None:
    """1-based rank of the first hit whose (doc_id, locator) is in ``gold``."""
    for rank, key in enumerate(hits, start=1):
        if key in gold:
            return rank
    return None


def run_retrieval_suite(
    suite: Suite,
    settings: Settings,
    *,
    corpus: Path | None = None,
    questions: Path | None = None,
    log: bool = True,
) -> RetrievalReport:
    """Ingest the suite's corpus into a temporary index and score every mode.

    :raises InputError: the corpus or the question set is missing.
    """
    corpus = corpus or suite.corpus
    if not corpus.exists():
        raise InputError(f"评测语料不存在：{corpus}（需要仓库旁的 ../shared/corpus）")
    items = load_questions(questions or suite.questions)
    with temporary_index(settings) as index:
        if log:
            print(f"正在索引 {corpus} …", file=sys.stderr)
        Ingestor(index).ingest([corpus])
        modes = {mode.value: ModeScore() for mode in MODES}
        for question in items:
            for mode in MODES:
                hits = index.search(question.text, Audience(suite.role), top_k=DEPTH, mode=mode)
                keys = [(h.chunk.doc_id, h.chunk.locator) for h in hits]
                modes[mode.value].add(first_relevant_rank(keys, question.gold), question.id)
        return RetrievalReport(suite.name, len(items), index.count(), modes)


class temporary_index:
    """A fresh index in a temp dir that reuses the configured embedding cache."""

    def __init__(self, settings: Settings) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="kezhuan-eval-")
        self._settings = settings.model_copy(
            update={"data_dir": Path(self._tmp.name), "cache_dir": settings.embedding_cache_dir, "chroma_host": None}
        )
        self.index: KnowledgeIndex | None = None

    def __enter__(self) -> KnowledgeIndex:
        self.index = KnowledgeIndex(self._settings)
        return self.index

    def __exit__(self, *exc: object) -> None:
        if self.index is not None:
            self.index.close()
        self._tmp.cleanup()

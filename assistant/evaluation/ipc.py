"""IPC suggestion evaluation: top-1 and top-3 subclass accuracy on held-apart patents.

``../shared/corpus/patents/cn_patent_titles_ipc.csv`` (titles with their gold IPC
subclasses) is split deterministically: every tenth row is a test row, the others are
indexed (both capped so the run stays within minutes). A suggestion is right when it
is one of the patent's gold subclasses.

Usage example::

    print(run_ipc_suite(Settings()).to_dict())
"""

from __future__ import annotations

import csv
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.domain import ipc_subclasses
from assistant.errors import InputError
from assistant.evaluation.retrieval import temporary_index
from assistant.index.visibility import Audience
from assistant.ingest.pipeline import Ingestor
from assistant.records import DocType
from assistant.tasks.ipc import suggest_ipc

__all__ = ["IpcReport", "run_ipc_suite"]

CORPUS = Path("../shared/corpus/patents/cn_patent_titles_ipc.csv")
TEST_EVERY = 10
MAX_INDEXED = 2000
MAX_TESTED = 300


@dataclass
class IpcReport:
    indexed: int
    tested: int
    top1: int
    top3: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": "ipc",
            "indexed": self.indexed,
            "tested": self.tested,
            "top1_accuracy": round(self.top1 / max(self.tested, 1), 3),
            "top3_accuracy": round(self.top3 / max(self.tested, 1), 3),
        }

    def table(self) -> str:
        d = self.to_dict()
        return f"IPC 建议：索引 {self.indexed} 件，测试 {self.tested} 件；top-1 {d['top1_accuracy']:.3f}，top-3 {d['top3_accuracy']:.3f}"


def run_ipc_suite(settings: Settings, *, corpus: Path = CORPUS, log: bool = True) -> IpcReport:
    """Index part of the titles, suggest subclasses for the rest, and count hits.

    :raises InputError: the corpus file is missing.
    """
    if not corpus.exists():
        raise InputError(f"评测语料不存在：{corpus}（需要仓库旁的 ../shared/corpus）")
    with corpus.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    test = [r for i, r in enumerate(rows) if i % TEST_EVERY == 0][:MAX_TESTED]
    train = [r for i, r in enumerate(rows) if i % TEST_EVERY != 0][:MAX_INDEXED]
    with temporary_index(settings) as index, tempfile.TemporaryDirectory() as folder:
        part = Path(folder) / "indexed.csv"
        with part.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(train)
        if log:
            print(f"正在索引 {len(train)} 件专利标题 …", file=sys.stderr)
        Ingestor(index).ingest([part], doc_type=DocType.PATENT)
        top1 = top3 = 0
        for row in test:
            gold = set(ipc_subclasses(row["ipc_subclasses"]))
            codes = [s.code for s in suggest_ipc(index, row["title"], Audience.public(), k=3)]
            top1 += bool(codes[:1]) and codes[0] in gold
            top3 += bool(gold & set(codes))
    return IpcReport(len(train), len(test), top1, top3)

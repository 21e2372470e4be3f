"""Briefing benchmark: how long a briefing takes, by scope size, and how long writing it takes.

Uses the index in ``KEZHUAN_DATA_DIR`` (default ``.kezhuan``), ingesting ``knowledge/``
first when it holds no patents (embeddings are cached, so only a cold cache is slow).
Matching every demand in scope dominates: the whole sample stock matches 120 demands.

    python benchmarks/bench_briefing.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from assistant.config import Settings
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.ingest.pipeline import Ingestor
from assistant.records import DocType
from assistant.tasks.briefing import MATCH_THRESHOLD, Briefer, BriefingRequest
from assistant.tasks.briefing_document import save_briefing

KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"
TOPICS = ("人工智能领域可转化成果", "锂电池相关成果", "存量专利盘活进展")


def main() -> None:
    index = KnowledgeIndex(Settings())
    officer = Audience(Role.OFFICER)  # the briefing's intended reader
    if not index.records(DocType.PATENT, officer):
        print(f"indexing {KNOWLEDGE} …")
        Ingestor(index).ingest([KNOWLEDGE])
    briefer = Briefer(index)
    print(f"{'patents':>7} {'demands':>7} {'matched':>7} {'build s':>8} {'md s':>6} {'docx s':>7}  topic")
    with tempfile.TemporaryDirectory() as folder:
        for topic in TOPICS:
            started = time.perf_counter()
            briefing = briefer.build(BriefingRequest(topic=topic), officer)
            built = time.perf_counter() - started
            started = time.perf_counter()
            save_briefing(briefing, Path(folder) / "b.md")
            markdown = time.perf_counter() - started
            started = time.perf_counter()
            save_briefing(briefing, Path(folder) / "b.docx")
            word = time.perf_counter() - started
            matched = briefing.figure(f"有{MATCH_THRESHOLD}成果的需求")
            print(
                f"{briefing.figure('成果总数'):>7} {briefing.figure('企业需求总数'):>7} {matched:>7}"
                f" {built:>8.1f} {markdown:>6.1f} {word:>7.1f}  {topic}"
            )


if __name__ == "__main__":
    main()

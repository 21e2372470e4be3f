"""Index benchmark: ingest throughput, re-ingest time and search latency on ~10k chunks.

Builds an index from ../shared/corpus (laws, patent abstracts, patent titles, paper
abstracts) in a scratch data dir and prints the figures. Not part of the test run.

    python benchmarks/bench_index.py [--data-dir DIR] [--queries N]

Embedding dominates ingest (about 5–12 chunks/s on 2 cores), so a cold run of the full
corpus takes 15–30 minutes; ``--data-dir`` keeps the index and its embedding cache for
the re-ingest and search measurements of a later run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from assistant.config import Settings
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience
from assistant.ingest.pipeline import Ingestor
from assistant.records import DocType

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SOURCES = (
    "laws",
    "patents/cn_patents_applicant_abstract.jsonl",
    "patents/kppatent_zh_abstract_keyphrases.jsonl",
    "patents/cn_patent_titles_ipc.csv",
    "literature/csl_papers.jsonl",
)


class _Clock:
    """Counts embedded chunks so throughput can be printed while ingest runs."""

    def __init__(self) -> None:
        self.total = 0
        self.done = 0
        self.started = time.perf_counter()

    def start(self, total_chunks: int) -> None:
        self.total = total_chunks
        self.started = time.perf_counter()

    def advance(self, chunks: int) -> None:
        self.done += chunks
        if self.done % 1000 < chunks:
            rate = self.done / max(time.perf_counter() - self.started, 1e-9)
            print(f"  embedded {self.done}/{self.total} chunks ({rate:.1f}/s)", file=sys.stderr)

    def finish(self) -> None:
        pass


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="keep the index here (default: a temp dir)")
    parser.add_argument("--queries", type=int, default=200, help="search queries to time")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is absent (the shared corpus sits beside the repository)")
        return 0
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="kezhuan-bench-"))
    index = KnowledgeIndex(Settings(data_dir=data_dir))
    paths = [CORPUS / s for s in SOURCES]

    clock = _Clock()
    started = time.perf_counter()
    first = Ingestor(index).ingest(paths, progress=clock)
    ingest_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = Ingestor(index).ingest(paths)
    reingest_seconds = time.perf_counter() - started

    questions = Path("evals/retrieval_laws.jsonl").read_text(encoding="utf-8").splitlines()
    queries = [json.loads(line)["question"] for line in questions]
    queries += [
        c.title for c, _ in zip(index.records(DocType.POLICY, Audience.public()), range(args.queries), strict=False)
    ]
    queries = queries[: args.queries]
    public = Audience.public()
    index.search("预热", public)  # first call loads jieba and builds the keyword index
    latencies = []
    for query in queries:
        t = time.perf_counter()
        index.search(query, public, top_k=10)
        latencies.append((time.perf_counter() - t) * 1000)

    figures = {
        "chunks_in_index": index.count(),
        "chunks_embedded_this_run": index.embeddings.misses,
        "ingest_seconds": round(ingest_seconds, 1),
        "ingest_chunks_per_second": round(first.chunks_added / max(ingest_seconds, 1e-9), 1),
        "embedding_chunks_per_second": round(index.embeddings.misses / max(ingest_seconds, 1e-9), 1),
        "reingest_unchanged_seconds": round(reingest_seconds, 2),
        "reingest_chunks_added": again.chunks_added,
        "search_queries": len(latencies),
        "search_p50_ms": round(statistics.median(latencies), 1),
        "search_p95_ms": round(percentile(latencies, 0.95), 1),
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A peer in the same run: LangChain's default RAG retrieval against ours, same embedder, same questions.

    python benchmarks/bench_peer.py [--json FILE]

The peer is the path LangChain's RAG tutorial takes: the law files read as plain text,
``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``, a ``langchain_chroma.Chroma``
vector store, ``similarity_search(question, k=5)``. It uses our embedder (multilingual-e5-small
with its query/passage prefixes, through the same vector cache), so the comparison is of the
pipeline, not the model. Questions and gold answers are ``evals/retrieval_laws.jsonl``
(file + article) on ``../shared/corpus/laws``.

Judging: one of our hits is right when its (file, article) is a gold pair. A peer chunk is right
when it comes from a gold file and contains that article's heading ("第三十四条"); a
1000-character chunk holds several articles, so this is lenient to the peer.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
LAWS = REPO.parent / "shared" / "corpus" / "laws"
QUESTIONS = REPO / "evals" / "retrieval_laws.jsonl"
K = 5


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def peer_is_right(source: str, text: str, gold: frozenset[tuple[str, str]]) -> bool:
    """A gold file, and the article's own heading (not a mention of a longer number: 第三条 in 第三十三条)."""
    return any(Path(source).name == file and re.search(rf"(^|\s){re.escape(article)}", text) for file, article in gold)


def run(cache_dir: Path) -> dict[str, Any]:
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.config import Settings
    from assistant.evaluation.retrieval import first_relevant_rank, load_questions
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.index.visibility import Audience
    from assistant.ingest.pipeline import Ingestor

    questions = load_questions(QUESTIONS)
    work = Path(tempfile.mkdtemp(prefix="kezhuan-peer-"))
    ours = KnowledgeIndex(Settings(data_dir=work / "ours", cache_dir=cache_dir))
    t = time.perf_counter()
    Ingestor(ours).ingest([LAWS])
    ours_build = time.perf_counter() - t

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    documents = [
        Document(page_content=path.read_text(encoding="utf-8"), metadata={"source": path.name})
        for path in sorted(LAWS.glob("*.md"))
    ]
    t = time.perf_counter()
    splits = splitter.split_documents(documents)
    peer = Chroma.from_documents(
        splits,
        embedding=ours.embeddings,  # the same e5 model and vector cache
        persist_directory=str(work / "peer"),
        collection_metadata={"hnsw:space": "cosine"},
    )
    peer_build = time.perf_counter() - t

    public = Audience.public()
    ours.search("预热", public)
    peer.similarity_search("预热", k=K)
    scores = {"ours": 0, "peer": 0}
    latency: dict[str, list[float]] = {"ours": [], "peer": []}
    for question in questions:
        t = time.perf_counter()
        hits = ours.search(question.text, public, top_k=K)
        latency["ours"].append(time.perf_counter() - t)
        keys = [(h.chunk.doc_id, h.chunk.locator) for h in hits]
        scores["ours"] += first_relevant_rank(keys, question.gold) is not None
        t = time.perf_counter()
        found = peer.similarity_search(question.text, k=K)
        latency["peer"].append(time.perf_counter() - t)
        scores["peer"] += any(peer_is_right(d.metadata["source"], d.page_content, question.gold) for d in found)
    n = len(questions)
    chunks = ours.count()
    ours.close()
    shutil.rmtree(work, ignore_errors=True)
    return {
        "questions": n,
        "chunks": {"ours": chunks, "peer": len(splits)},
        "build_s": {"ours": round(ours_build, 1), "peer": round(peer_build, 1)},
        "recall@5": {name: round(score / n, 3) for name, score in scores.items()},
        "search_p50_ms": {name: round(statistics.median(v) * 1000, 1) for name, v in latency.items()},
        "search_p95_ms": {name: round(percentile(v, 0.95) * 1000, 1) for name, v in latency.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=REPO / ".kezhuan", help="embedding cache to reuse")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if not LAWS.exists():
        print(f"skipped: {LAWS} is absent (the shared corpus sits beside the repository)")
        return 0
    result = run(args.cache_dir)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

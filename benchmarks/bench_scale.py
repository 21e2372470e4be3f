"""Scale benchmark: 10k and 100k records, embedded Chroma vs ``chroma run``, and a LangChain peer.

    python benchmarks/bench_scale.py [--sizes 10000 100000] [--queries 100] [--json FILE]

What is real and what is not (say so wherever the figures are quoted):

- **texts** are real: patent abstracts and titles and paper abstracts from ``../shared/corpus``
  (10,503 records); the 100k set repeats them ten times as distinct records (copy number in
  the metadata), so its keyword statistics are those of a corpus with many near-duplicates;
- **vectors** are real e5 vectors taken from the embedding cache (the knowledge base and the
  laws, ~2k vectors) reused with small Gaussian perturbations (σ = 0.02 per dimension, then
  renormalised): embedding 100k texts would take hours on this machine, and the dense search
  cost depends on the count and dimension, not on which text a vector came from;
- **queries** are the real questions of ``evals/`` embedded by the real model on every call:
  that embedding time is the floor each search is compared with.

Each size and store runs in its own process, so resident memory (max RSS) is that run's own; the
build process holds every record it writes, so the memory an app instance needs is measured in a
third process that only opens the built index and searches (``serving``).
Timings on a shared machine are noisy: compare the ratios measured in one run.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
SEED_CACHE = Path(tempfile.gettempdir()) / "kezhuan-bench-seed"
NOISE = 0.02
CHANGED = 100  # chunks another instance adds between two searches (refresh time)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def corpus_records() -> list[tuple[str, str, str]]:
    """(key, title, text) of every patent and paper record in the shared corpus."""
    import csv

    rows: list[tuple[str, str, str]] = []
    for name in ("patents/kppatent_zh_abstract_keyphrases.jsonl", "patents/cn_patents_applicant_abstract.jsonl"):
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            rows.append((item["id"], item.get("title", ""), item["abstract"]))
    for line in (CORPUS / "literature/csl_papers.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        rows.append((item["id"], item["title"], item["abstract"]))
    with (CORPUS / "patents/cn_patent_titles_ipc.csv").open(encoding="utf-8") as handle:
        for item in csv.DictReader(handle):
            rows.append((item["publication_number"], item["title"], f"{item['title']}（IPC {item['ipc_subclasses']}）"))
    return rows


def questions() -> list[str]:
    out = []
    for name in ("evals/policy_qa.jsonl", "evals/retrieval_laws.jsonl"):
        out += [json.loads(line)["question"] for line in (REPO / name).read_text(encoding="utf-8").splitlines()]
    return out


def make_chunks(size: int) -> list[Any]:
    from assistant.records import Chunk, DocType, Visibility

    records = corpus_records()
    chunks = []
    for n in range(size):
        key, title, text = records[n % len(records)]
        copy = n // len(records)
        chunks.append(
            Chunk(
                doc_id=f"{key}#{copy}" if copy else key,
                doc_type=DocType.PATENT,
                title=title or text[:30],
                source="bench",
                locator="摘要",
                text=text,
                visibility=Visibility.INTERNAL if n % 10 == 0 else Visibility.PUBLIC,  # filters have work to do
                meta={"copy": copy},
            )
        )
    return chunks


def seed_vectors(chunks: list[Any], cache_dir: Path, source_cache: Path) -> int:
    """Write a perturbed real vector for every chunk into a fresh embedding cache; returns the real count."""
    import sqlite3

    import numpy as np

    from assistant.index.embeddings import E5_MODEL_NAME
    from assistant.records import content_hash

    with sqlite3.connect(source_cache) as db:
        blobs = [row[0] for row in db.execute("SELECT vector FROM vectors WHERE namespace = ?", (E5_MODEL_NAME,))]
    base = np.stack([np.frombuffer(b, dtype=np.float32) for b in blobs])
    rng = np.random.default_rng(7)
    vectors = base[np.arange(len(chunks)) % len(base)] + rng.normal(0, NOISE, (len(chunks), base.shape[1]))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    cache_dir.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(cache_dir / "embeddings.sqlite") as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (namespace TEXT, hash TEXT, vector BLOB, PRIMARY KEY (namespace, hash))"
        )
        db.executemany(
            "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
            ((E5_MODEL_NAME, content_hash(c.index_text), v.tobytes()) for c, v in zip(chunks, vectors, strict=True)),
        )
    return len(base)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(size: int, store: str, port: int, queries: int, source_cache: Path) -> dict[str, Any]:
    """One size on one store, in this process: build, search with a per-stage breakdown, refresh."""
    from assistant.config import Settings
    from assistant.index.fusion import keyword_weight, weighted_rrf
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.index.tokenizer import tokenize
    from assistant.index.visibility import Audience

    work = Path(tempfile.mkdtemp(prefix=f"kezhuan-scale-{store}-{size}-"))
    chunks = make_chunks(size + CHANGED)
    extra, chunks = chunks[size:], chunks[:size]
    real = seed_vectors(chunks + extra, work / "cache", source_cache)
    server = {"chroma_host": "127.0.0.1", "chroma_port": port} if store == "server" else {}
    collection = f"scale_{size}_{int(time.time())}"

    def settings(name: str) -> Settings:
        return Settings(data_dir=work / name, cache_dir=work / "cache", collection=collection, **server)  # type: ignore[arg-type]

    index = KnowledgeIndex(settings("a"))
    t = time.perf_counter()
    with index.writing():
        for start in range(0, size, 5000):
            index._dense.write(chunks[start : start + 5000])
    dense_build = time.perf_counter() - t
    t = time.perf_counter()
    index._keyword.write(chunks)
    index.save()
    keyword_build = time.perf_counter() - t

    public = Audience.public()
    index.search("预热", public)  # jieba and the model are loaded once per process
    stages: dict[str, list[float]] = {k: [] for k in ("embed", "tokenize", "dense", "keyword", "fusion", "total")}
    unfiltered: dict[str, list[float]] = {"dense": [], "keyword": []}
    retriever = index._retriever
    search_filter = public.filter()
    for query in questions()[:queries]:
        t0 = time.perf_counter()
        index.search(query, public, top_k=10)
        stages["total"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        vector = index.embeddings.embed_query(query)
        t1 = time.perf_counter()
        tokens = tokenize(query)
        t2 = time.perf_counter()
        dense = retriever.nearest([vector], retriever.candidates, search_filter)[0]
        t3 = time.perf_counter()
        keyword = retriever.keyword.search_tokens(tokens, retriever.candidates, search_filter)
        t4 = time.perf_counter()
        coverage = max((retriever.keyword.coverage(tokens, h.id) for h in keyword[:3]), default=0.0)
        weighted_rrf([[h.id for h in dense], [h.id for h in keyword]], [1.0, keyword_weight(coverage)])
        t5 = time.perf_counter()
        for name, value in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=False):
            stages[name].append(value)
        t0 = time.perf_counter()
        retriever.dense.nearest([vector], retriever.candidates)
        t1 = time.perf_counter()
        retriever.keyword.search_tokens(tokens, retriever.candidates, None)
        unfiltered["dense"].append(t1 - t0)
        unfiltered["keyword"].append(time.perf_counter() - t1)

    # An app instance opening what was built (its own process: the build's memory is not its memory).
    serving = run_child(
        ["--serve", str(work / "a"), str(work / "cache"), collection, store, str(port), "--queries", str(queries)]
    )
    # Another instance (embedded: another process on the same data dir; server: another machine) adds chunks;
    # this one's next search catches up. In server mode a new instance first derives its whole keyword index.
    t = time.perf_counter()
    other = KnowledgeIndex(settings("a" if store == "embedded" else "b"))
    derive = time.perf_counter() - t
    with other.writing():
        other.write(extra)
        other.save()
    t = time.perf_counter()
    hits = index.search(extra[0].text[:40], public, top_k=5)
    refresh = time.perf_counter() - t - statistics.median(stages["total"])
    assert index.count() == size + CHANGED, "the other instance's chunks were not seen"
    del hits

    index.close()
    other.close()
    shutil.rmtree(work, ignore_errors=True)
    ms = {k: [v * 1000 for v in values] for k, values in stages.items()}
    return {
        "size": size,
        "store": store,
        "real_vectors_reused": real,
        "build_dense_s": round(dense_build, 1),
        "build_keyword_s": round(keyword_build, 1),
        "derive_keyword_new_instance_s": round(derive, 2) if store == "server" else None,
        "refresh_after_other_ingest_s": round(max(refresh, 0.0), 3),
        "queries": len(ms["total"]),
        "search_p50_ms": round(statistics.median(ms["total"]), 1),
        "search_p95_ms": round(percentile(ms["total"], 0.95), 1),
        "embed_p50_ms": round(statistics.median(ms["embed"]), 1),
        "stages_p50_ms": {k: round(statistics.median(v), 2) for k, v in ms.items() if k != "total"},
        "filters_p50_ms": round(
            statistics.median(ms["dense"])
            - statistics.median(unfiltered["dense"]) * 1000
            + statistics.median(ms["keyword"])
            - statistics.median(unfiltered["keyword"]) * 1000,
            2,
        ),
        "max_rss_mb": round(rss_mb()),
        "serving": serving,
    }


def serve_child(
    data_dir: Path, cache_dir: Path, collection: str, store: str, port: int, queries: int
) -> dict[str, Any]:
    """An app instance: opens the built index, answers the questions; its search times and its memory."""
    from assistant.config import Settings
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.index.visibility import Audience

    server = {"chroma_host": "127.0.0.1", "chroma_port": port} if store == "server" else {}
    t = time.perf_counter()
    index = KnowledgeIndex(Settings(data_dir=data_dir, cache_dir=cache_dir, collection=collection, **server))  # type: ignore[arg-type]
    index.search("预热", Audience.public())
    opened = time.perf_counter() - t
    times = []
    for query in questions()[:queries]:
        t = time.perf_counter()
        index.search(query, Audience.public(), top_k=10)
        times.append((time.perf_counter() - t) * 1000)
    return {
        "open_s": round(opened, 2),
        "search_p50_ms": round(statistics.median(times), 1),
        "search_p95_ms": round(percentile(times, 0.95), 1),
        "max_rss_mb": round(rss_mb()),
    }


def run_child(args: list[str]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--stores", nargs="+", default=["embedded", "server"])
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache with real e5 vectors to reuse")
    parser.add_argument("--child", nargs=3, metavar=("SIZE", "STORE", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--serve", nargs=5, metavar=("DATA", "CACHE", "COLLECTION", "STORE", "PORT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    cache = args.cache or (REPO / ".kezhuan" / "embeddings.sqlite")
    if args.serve:
        data, cache_dir, collection, store, port = args.serve
        print(json.dumps(serve_child(Path(data), Path(cache_dir), collection, store, int(port), args.queries)))
        return 0
    if args.child:
        size, store, port = args.child
        print(json.dumps(child(int(size), store, int(port), args.queries, cache)))
        return 0
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is absent (the shared corpus sits beside the repository)")
        return 0
    if not cache.exists():
        print(f"skipped: {cache} holds no real vectors yet (run `make index` or pass --cache)")
        return 0
    sys.path.insert(0, str(REPO))
    from tests.helpers import BIN, free_port, serve

    port = free_port()
    results = []
    with (
        tempfile.TemporaryDirectory() as server_dir,
        serve([str(BIN / "chroma"), "run", "--path", server_dir, "--host", "127.0.0.1", "--port", str(port)], port),
    ):
        for size in args.sizes:
            for store in args.stores:
                print(f"… {size} records, {store}", file=sys.stderr)
                results.append(
                    run_child(
                        ["--child", str(size), store, str(port), "--queries", str(args.queries), "--cache", str(cache)]
                    )
                )
                print(json.dumps(results[-1], ensure_ascii=False), file=sys.stderr)
    random.seed(0)
    print(json.dumps(results, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

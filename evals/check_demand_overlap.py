"""Check that the corpus demand sets paraphrase their gold patents instead of echoing them.

The demand files ``evals/corpus_demands_engineer.jsonl`` and ``evals/corpus_demands_business.jsonl``
hold enterprise needs written in the user's own words, each pointing at the patent(s) that solve it.
A matching eval is only meaningful if a retriever cannot win by plain term overlap, so for every
demand and each of its gold patents this script checks:

(a) shared content words <= MAX_SHARED_WORDS, where content words are the jieba tokens of the text,
    lower-cased, at least two characters long, not made only of digits/punctuation, minus STOPWORDS;
(b) no common substring of MIN_COMMON_RUN or more characters (whitespace removed) between the
    demand and the patent's title + abstract.

It also checks the record shape (id, demand of 60-150 characters, non-empty gold list, style),
unique ids, and that every gold id exists in the patents file.

Usage example (from the repository root)::

    .venv/bin/python evals/check_demand_overlap.py
    .venv/bin/python evals/check_demand_overlap.py /path/to/cn_patents_applicant_abstract.jsonl

Exit status: 0 when clean (or when the patents file is absent: the check is skipped), 1 on any violation.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path

import jieba

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATENTS = REPO_ROOT.parent / "shared/corpus/patents/cn_patents_applicant_abstract.jsonl"
DEMAND_FILES: dict[str, Path] = {
    "engineer": REPO_ROOT / "evals/corpus_demands_engineer.jsonl",
    "business": REPO_ROOT / "evals/corpus_demands_business.jsonl",
}

MAX_SHARED_WORDS = 3
MIN_COMMON_RUN = 4
DEMAND_LEN_RANGE = (60, 150)

# Function words and boilerplate that carry no technical meaning; one-character words are
# already dropped by the length rule, the few listed here are kept for readability.
_STOPWORD_TEXT = """
    的 了 和 与 及 或 在 是
    一种 一个 一些 我们 你们 他们 需要 能够 可以 进行 通过
    以及 或者 并且 而且 同时 其中 所述 这个 这种 那个 这些
    目前 现在 希望 如果 因为 所以 但是 还是 已经 由于 因此
    之间 对于 以上 以下 没有 不能 不会 就是 还有 什么 怎么
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())

_NON_CONTENT = re.compile(r"[\d\W_]+")


def content_words(text: str) -> set[str]:
    """Return the content words of ``text`` (see module docstring, rule a).

    :param text: any Chinese (or mixed) text.
    :returns: the set of lower-cased jieba tokens that count as content words.
    """
    words: set[str] = set()
    for token in jieba.lcut(text):
        word = token.strip().lower()
        if len(word) < 2 or _NON_CONTENT.fullmatch(word) or word in STOPWORDS:
            continue
        words.add(word)
    return words


def squash(text: str) -> str:
    """Remove all whitespace, so runs are compared character for character."""
    return "".join(text.split())


def common_runs(demand: str, patent: str, min_len: int = MIN_COMMON_RUN) -> list[str]:
    """Return the maximal substrings of ``demand`` of length >= ``min_len`` that also occur in ``patent``.

    :param demand: demand text, whitespace already removed.
    :param patent: patent title + abstract, whitespace already removed.
    :param min_len: shortest run that counts as copied.
    :returns: the runs, in order of appearance in the demand, without nested duplicates.
    """
    grams = {patent[i : i + min_len] for i in range(len(patent) - min_len + 1)}
    runs: list[str] = []
    i = 0
    while i <= len(demand) - min_len:
        if demand[i : i + min_len] not in grams:
            i += 1
            continue
        end = i + min_len
        while end < len(demand) and demand[i : end + 1] in patent:
            end += 1
        runs.append(demand[i:end])
        i = end - min_len + 1
    return runs


def load_jsonl(path: Path) -> list[dict[str, object]]:
    """Read a JSONL file, skipping blank lines."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def check_record(record: dict[str, object], style: str, patents: dict[str, str]) -> Iterable[str]:
    """Yield one message per violation found in a single demand record."""
    rid = str(record.get("id", "?"))
    demand = record.get("demand")
    gold = record.get("gold")
    if record.get("style") != style:
        yield f"{rid}: style is {record.get('style')!r}, expected {style!r}"
    if not isinstance(demand, str) or not demand.strip():
        yield f"{rid}: demand missing or empty"
        return
    low, high = DEMAND_LEN_RANGE
    if not low <= len(squash(demand)) <= high:
        yield f"{rid}: demand has {len(squash(demand))} characters, expected {low}-{high}"
    if not isinstance(gold, list) or not gold:
        yield f"{rid}: gold must be a non-empty list"
        return
    demand_words = content_words(demand)
    for gid in gold:
        if gid not in patents:
            yield f"{rid}: gold id {gid} not found in the patents file"
            continue
        shared = demand_words & content_words(patents[gid])
        if len(shared) > MAX_SHARED_WORDS:
            yield f"{rid} vs {gid}: {len(shared)} shared content words > {MAX_SHARED_WORDS}: {sorted(shared)}"
        runs = common_runs(squash(demand), squash(patents[gid]))
        if runs:
            yield f"{rid} vs {gid}: common run(s) of >= {MIN_COMMON_RUN} characters: {runs}"


def main(argv: list[str] | None = None) -> int:
    """Run all checks and print violations plus a summary; return the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patents", nargs="?", type=Path, default=DEFAULT_PATENTS, help="patents JSONL file")
    args = parser.parse_args(argv)

    if not args.patents.is_file():
        print(f"skipped: patents file {args.patents} absent")
        return 0
    jieba.setLogLevel(logging.WARNING)
    patents = {str(row["id"]): f"{row.get('title', '')}{row.get('abstract', '')}" for row in load_jsonl(args.patents)}

    violations: list[str] = []
    seen_ids: set[str] = set()
    n_demands = 0
    for style, path in DEMAND_FILES.items():
        if not path.is_file():
            violations.append(f"{path.name}: file missing")
            continue
        for record in load_jsonl(path):
            n_demands += 1
            rid = str(record.get("id", "?"))
            if rid in seen_ids:
                violations.append(f"{rid}: duplicate id")
            seen_ids.add(rid)
            violations.extend(check_record(record, style, patents))

    for line in violations:
        print(line)
    status = "FAIL" if violations else "OK"
    print(f"{status}: {n_demands} demands checked against {len(patents)} patents, {len(violations)} violation(s)")
    return 1 if violations else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The shipped knowledge base: sourced guides, marked samples, no copied text."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

from assistant.ingest.loaders.markdown import parse_front_matter
from tests.conftest import REPO, shared_path

KNOWLEDGE = REPO / "knowledge"
WORD_CHAR = re.compile(r"\w")
WINDOW = 28  # characters, whitespace removed: long enough that a match is a copied passage


def markdown_files(folder: str) -> list[Path]:
    return sorted((KNOWLEDGE / folder).glob("*.md"))


def front(path: Path) -> dict[str, object]:
    return parse_front_matter(path.read_text(encoding="utf-8"), path)[0]


def test_at_least_fourteen_policy_guides_each_with_sources() -> None:
    guides = markdown_files("policies")
    assert len(guides) >= 14
    for guide in guides:
        meta = front(guide)
        assert meta.get("title"), guide
        assert meta.get("visibility") == "public", guide
        sources = meta.get("sources")
        assert isinstance(sources, list) and sources and all(str(s).strip() for s in sources), guide


def test_faq_has_at_least_eighty_cited_pairs() -> None:
    answers = []
    for path in markdown_files("faq"):
        body = parse_front_matter(path.read_text(encoding="utf-8"), path)[1]
        answers += [part for part in body.split("\n## 问：")[1:]]
    assert len(answers) >= 80
    assert all("依据" in a for a in answers)


def test_every_sample_record_is_marked_sample() -> None:
    counts = {}
    for folder in ("patents", "agencies", "demands"):
        rows = [
            row
            for path in sorted((KNOWLEDGE / folder).glob("*.csv"))
            for row in csv.DictReader(path.open(encoding="utf-8-sig"))
        ]
        assert rows, folder
        assert all(row["样例数据"].strip().lower() == "true" for row in rows), folder
        counts[folder] = rows
    assert len(counts["patents"]) >= 300
    assert len(counts["demands"]) >= 120
    whitelisted = [r for r in counts["agencies"] if r["是否白名单"] == "是"]
    assert len(whitelisted) == 23 and len(counts["agencies"]) - len(whitelisted) >= 5
    names = (
        [r["申请人"] for r in counts["patents"]]
        + [r["企业名称"] for r in counts["demands"]]
        + [r["机构名称"] for r in counts["agencies"]]
    )
    assert all(part.startswith("示例") for name in names for part in name.split("；")), "sample bodies are fictional"


def test_disclosures_are_confidential_owned_samples() -> None:
    disclosures = markdown_files("disclosures")
    assert len(disclosures) == 6
    for path in disclosures:
        meta = front(path)
        assert meta["visibility"] == "confidential" and meta.get("owner") and meta.get("sample") is True, path


def _windows(text: str) -> set[str]:
    """Every run of WINDOW characters that is mostly words (a table's |---|---| rule is not text)."""
    flat = "".join(text.split())
    runs = (flat[i : i + WINDOW] for i in range(len(flat) - WINDOW + 1))
    return {run for run in runs if len(WORD_CHAR.findall(run)) >= WINDOW // 2}


def test_no_committed_text_repeats_the_shared_sources() -> None:
    shared = shared_path()
    reference: set[str] = set()
    for root in (shared / "corpus", shared / "domain"):
        for dirpath, _, files in os.walk(root):
            for name in files:
                if name.endswith((".md", ".txt", ".jsonl", ".csv", ".json")) and name not in ("SOURCES.md", "BRIEF.md"):
                    reference |= _windows(Path(dirpath, name).read_text(encoding="utf-8", errors="ignore"))
    mine = [
        p
        for p in list(KNOWLEDGE.rglob("*")) + list((REPO / "evals").rglob("*"))
        if p.suffix in {".md", ".csv", ".jsonl"}
    ]
    copied = {str(p.relative_to(REPO)): len(_windows(p.read_text(encoding="utf-8")) & reference) for p in mine}
    assert {p: n for p, n in copied.items() if n} == {}


@pytest.mark.parametrize("name", ["retrieval_laws.jsonl", "policy_qa.jsonl", "negative.jsonl"])
def test_eval_sets_are_present(name: str) -> None:
    assert (REPO / "evals" / name).stat().st_size > 0


def test_every_policy_and_faq_file_states_region_level_and_date() -> None:
    for path in markdown_files("policies") + markdown_files("faq"):
        meta = front(path)
        assert meta.get("region") and meta.get("level"), path
        # The register of laws states each law's own date in its text, so it carries none of its own.
        assert meta.get("effective_date") or path.name == "00-laws-in-force.md", path

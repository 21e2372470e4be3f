"""Who may see what, probed through every entry point with every kind of caller.

A copy of the shipped knowledge base gets an internal policy, an internal patent and two
researchers' confidential disclosures, each with a distinctive marker (``secrets.py``).
Each entry point is run for each audience and everything it returns is rendered to text
(``to_dict`` JSON, Markdown, page text); no marker may appear where its readers do not
include the audience. A few positive probes check that owners and officers still see
what they may, so the test cannot pass by hiding everything.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from assistant.chat.router import ChatRouter
from assistant.config import Settings
from assistant.errors import InputError
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience, Role
from assistant.ingest.pipeline import Ingestor
from assistant.records import DocType
from assistant.tasks.agencies import list_agencies, recommend_agencies
from assistant.tasks.briefing import Briefer, BriefingRequest
from assistant.tasks.briefing_document import briefing_markdown
from assistant.tasks.disclosure import DisclosureDrafter
from assistant.tasks.disclosure_form import parse_form
from assistant.tasks.ipc import suggest_ipc
from assistant.tasks.matching import Matcher
from tests.access.secrets import ALPHA, BETA, INTERNAL_PATENT_ID, SECRETS, write_secrets
from tests.conftest import REPO, copy_index

AUDIENCES = {
    "public": Audience.public(),
    "researcher-without-id": Audience(Role.RESEARCHER),
    "researcher-alpha": Audience(Role.RESEARCHER, ALPHA),
    "researcher-beta": Audience(Role.RESEARCHER, BETA),
    "officer": Audience(Role.OFFICER),
}
QUESTIONS = (
    "高校职务科技成果转让净收入奖励研发团队的比例是多少？",  # policy (the internal memo states one)
    "有没有耐高温锂电池隔膜的专利？",  # technology search
    "我们公司需要耐高温的锂电池隔膜技术，防止电池夏天鼓包",  # matching request
    f"{INTERNAL_PATENT_ID} 这个专利可以找哪些企业？",  # patent → enterprises
    "推荐几家做专利价值评估的机构",  # agency request
    "帮我写一份高温电池隔膜涂层的披露",  # disclosure help
    "帮我生成一份锂电池相关成果的简报",  # briefing request
)
SEARCHES = ("青鸾内参 奖励比例", "青鸾-7型 隔膜", "朱雀-3型 涂层", "白泽-5型 涂层", "耐高温锂电池隔膜")
DEMAND = "电动车电池夏天高温容易鼓包，想找耐高温、热收缩小的隔膜材料"
FORM = json.loads((REPO / "examples" / "disclosure-form.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def access_index(knowledge_index: KnowledgeIndex, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeIndex]:
    """The shipped knowledge base plus the four non-public documents (only those are embedded)."""
    index = copy_index(knowledge_index, tmp_path_factory.mktemp("access-index"))
    report = Ingestor(index).ingest(write_secrets(tmp_path_factory.mktemp("secrets")))
    assert not report.errors and report.files_indexed == 4, report
    yield index
    index.close()


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def run_search(index: KnowledgeIndex, audience: Audience) -> str:
    return dump([[h.to_dict() for h in index.search(q, audience, top_k=20)] for q in SEARCHES])


def run_ask(index: KnowledgeIndex, audience: Audience) -> str:
    chat = ChatRouter(index, Settings(data_dir=index.data_dir, openai_api_key=None))
    return dump([chat.answer(q, audience).to_dict() for q in QUESTIONS])


def run_match(index: KnowledgeIndex, audience: Audience) -> str:
    matcher = Matcher(index)
    results = [
        matcher.for_demand(DEMAND, audience=audience, k=20).to_dict(),
        matcher.for_demand(demand_id="D-A001", audience=audience, k=20).to_dict(),
    ]
    for patent in (INTERNAL_PATENT_ID, "CN202310900014.8"):
        try:
            results.append(matcher.for_patent(patent, audience=audience, k=20).to_dict())
        except InputError as exc:  # the message echoes the id the caller typed, which reveals nothing
            results.append(str(exc).replace(patent, "<编号>"))
    return dump(results)


def run_ipc(index: KnowledgeIndex, audience: Audience) -> str:
    return dump([s.to_dict() for s in suggest_ipc(index, "耐高温锂电池隔膜 陶瓷涂层 热收缩", audience, k=5)])


def run_disclosure(index: KnowledgeIndex, audience: Audience) -> str:
    form = parse_form({**FORM, "title": "一种耐高温锂电池隔膜陶瓷涂层", "author": audience.user or "r-gamma"})
    return DisclosureDrafter(index).draft(form, audience, store=False).markdown()


def run_briefing(index: KnowledgeIndex, audience: Audience) -> str:
    briefing = Briefer(index).build(BriefingRequest(topic="锂电池相关成果"), audience)
    return briefing_markdown(briefing, []) + dump([f.to_dict() for f in briefing.figures]) + dump(briefing.sources())


def run_agencies(index: KnowledgeIndex, audience: Audience) -> str:
    listed = [a.to_dict() for a in list_agencies(index, audience)]
    return dump(listed + [a.to_dict() for a in recommend_agencies(index, "专利价值评估", audience)])


ENTRY_POINTS: dict[str, Callable[[KnowledgeIndex, Audience], str]] = {
    "search": run_search,
    "ask": run_ask,
    "match": run_match,
    "ipc": run_ipc,
    "disclosure": run_disclosure,
    "briefing": run_briefing,
    "agencies": run_agencies,
}


@pytest.fixture(scope="module")
def outputs(access_index: KnowledgeIndex) -> dict[tuple[str, str], str]:
    """Every entry point's rendered output for every audience, computed once.

    The chat's briefing request asks for the same briefing (topic, audience) as the briefing
    entry point; the real briefing is built once per pair and both render it (half the
    briefings, the slowest step of this module).
    """
    built: dict[str, Any] = {}
    build = Briefer.build

    def build_once(self: Briefer, request: BriefingRequest, audience: Audience, **options: Any) -> Any:
        key = repr((request, audience))
        if key not in built:
            built[key] = build(self, request, audience, **options)
        return built[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Briefer, "build", build_once)
        rendered = {
            (entry, name): run(access_index, audience)
            for entry, run in ENTRY_POINTS.items()
            for name, audience in AUDIENCES.items()
        }
    return rendered


@pytest.mark.parametrize("audience_name", list(AUDIENCES))
@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_no_marker_reaches_an_audience_that_may_not_read_it(
    outputs: dict[tuple[str, str], str], entry: str, audience_name: str
) -> None:
    text = outputs[entry, audience_name]
    audience = AUDIENCES[audience_name]
    leaked = [s.marker for s in SECRETS if not s.may_reach(audience) and s.marker in text]
    assert not leaked, f"{entry} showed {leaked} to {audience_name}"


def test_briefings_never_name_a_disclosure_even_to_officers(outputs: dict[tuple[str, str], str]) -> None:
    text = outputs["briefing", "officer"]
    assert "朱雀-3型" not in text and "白泽-5型" not in text
    assert "处于披露阶段的保密成果" in text  # counted, not named


@pytest.mark.parametrize("audience_name", ["public", "researcher-without-id"])
def test_briefings_do_not_count_disclosures_for_the_public(
    outputs: dict[tuple[str, str], str], audience_name: str
) -> None:
    """A count of confidential disclosures matching a code name would tell an enterprise they exist."""
    assert "处于披露阶段的保密成果" not in outputs["briefing", audience_name]


def test_owners_and_officers_still_see_what_they_may(outputs: dict[tuple[str, str], str]) -> None:
    assert (
        "朱雀-3型" in outputs["search", "researcher-alpha"] and "白泽-5型" not in outputs["search", "researcher-alpha"]
    )
    assert "白泽-5型" in outputs["search", "researcher-beta"]
    for marker in ("青鸾内参", "青鸾-7型", "朱雀-3型", "白泽-5型"):
        assert marker in outputs["search", "officer"]
    assert INTERNAL_PATENT_ID in outputs["match", "officer"]  # the officer may match the internal patent


def test_hidden_patent_id_is_indistinguishable_from_a_missing_one(access_index: KnowledgeIndex) -> None:
    matcher = Matcher(access_index)
    messages = []
    for patent in (INTERNAL_PATENT_ID, "CN209900000078.X"):
        with pytest.raises(InputError) as caught:
            matcher.for_patent(patent, audience=Audience.public())
        messages.append(str(caught.value).replace(patent, "ID"))
    assert messages[0] == messages[1]
    assert matcher.for_patent(INTERNAL_PATENT_ID, audience=Audience(Role.OFFICER)).matches


def test_default_audience_is_public() -> None:
    assert Audience() == Audience.public() == Audience.parse(None, None)
    assert Audience.parse(None, "r-alpha") == Audience(Role.RESEARCHER, "r-alpha")


def test_records_and_get_apply_the_audience(access_index: KnowledgeIndex) -> None:
    public_patents = {c.doc_id for c in access_index.records(DocType.PATENT, Audience.public())}
    officer_patents = {c.doc_id for c in access_index.records(DocType.PATENT, Audience(Role.OFFICER))}
    assert officer_patents - public_patents == {INTERNAL_PATENT_ID}
    assert access_index.get(INTERNAL_PATENT_ID, Audience.public()) == []
    alpha_docs = {c.doc_id for c in access_index.records(DocType.DISCLOSURE, Audience(Role.RESEARCHER, ALPHA))}
    assert alpha_docs == {"disclosures/alpha.md"}
    assert access_index.document_frequency("青鸾", Audience.public()) == 0
    assert access_index.document_frequency("青鸾", Audience(Role.OFFICER)) > 0


@pytest.mark.parametrize(("role", "shown"), [("enterprise", False), ("researcher", False), ("officer", True)])
def test_matching_page_picker_lists_only_visible_patents(
    access_index: KnowledgeIndex, monkeypatch: pytest.MonkeyPatch, role: str, shown: bool
) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("KEZHUAN_DATA_DIR", str(access_index.settings.data_dir))
    monkeypatch.setenv("KEZHUAN_CACHE_DIR", str(access_index.settings.embedding_cache_dir))
    monkeypatch.setenv("KEZHUAN_LOCAL_ROLE", role)  # local mode: the role is the environment's, not a widget's
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        app = AppTest.from_file(str(REPO / "ui" / "app.py"), default_timeout=180).run()
        app.switch_page("app_pages/matching.py").run()
        options = " ".join(app.selectbox(key="match_patent_id").options)
        page = " ".join(m.value for m in app.markdown)
        assert not app.exception
        assert ("青鸾-7型" in options) is shown
        assert "青鸾-7型" not in page or shown
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()

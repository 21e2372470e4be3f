"""A briefing's scope rules on hand-built records: one rule each for industry, IPC and legal status."""

from __future__ import annotations

from assistant.domain import Demand, Disclosure, Patent
from assistant.records import Chunk, DocType, MetaValue
from assistant.tasks.briefing_scope import BriefingRequest, Scope


def patent(text: str = "一种锂电池隔膜", **meta: MetaValue) -> Patent:
    return Patent.from_chunk(Chunk("CN1", DocType.PATENT, text, "patents/p.csv", "第1行", text, meta=meta))


def scope(topic: str = "成果", **request: object) -> Scope:
    return Scope.of(BriefingRequest(topic=topic, **request), topic)  # type: ignore[arg-type]


def test_a_record_is_in_every_industry_it_is_labelled_with() -> None:
    both = patent(industry="汽车/新能源汽车")
    assert scope(industry="汽车").admits_patent(both)
    assert not scope(industry="汽车").admits_patent(patent(industry="高端装备/新能源"))
    demand = Demand.from_chunk(
        Chunk("D-1", DocType.DEMAND, "需求", "demands/d.csv", "第1行", "需求", meta={"industry": "先进材料/汽车"})
    )
    assert scope(industry="汽车").admits_demand(demand)


def test_granted_and_in_force_select_each_other() -> None:
    in_force = scope(legal_status="有效")
    assert in_force.admits_patent(patent(legal_status="授权")) and in_force.admits_patent(patent(legal_status="有效"))
    assert not in_force.admits_patent(patent(legal_status="实质审查"))
    assert "法律状态=授权或有效" in in_force.describe()
    assert scope(legal_status="失效").admits_patent(patent(legal_status="失效"))


def test_ipc_named_in_the_topic_filters_and_leaves_the_terms() -> None:
    found = scope("h01m相关成果")
    assert found.ipc == "H01M" and found.terms == ()
    assert found.admits_patent(patent(ipc="C08J 9/28；H01M 50/403"))  # any code, not only the main one
    assert not found.admits_patent(patent(ipc="G06N 3/04"))
    assert not found.admits_patent(patent())


def test_disclosures_need_the_industry_in_their_text() -> None:
    def disclosure(text: str) -> Disclosure:
        return Disclosure.from_chunk(Chunk("disclosures/d.md", DocType.DISCLOSURE, "披露表", "d.md", "", text))

    assert scope(industry="人工智能").admits_disclosure(disclosure("上海“3+6”标签：人工智能"))
    assert not scope(industry="人工智能").admits_disclosure(disclosure("上海“3+6”标签：先进材料"))

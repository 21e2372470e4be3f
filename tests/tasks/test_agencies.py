"""The agency whitelist: scores by hand, filters, and the whitelist guard everywhere."""

from __future__ import annotations

from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.visibility import Audience
from assistant.tasks.agencies import list_agencies, recommend_agencies, services_for
from tests.helpers import index_env, run_cli

PUBLIC = Audience.public()


def test_services_for_need() -> None:
    assert set(services_for("需要专利价值评估和作价入股方案")) >= {"价值评估", "科技金融"}


class TestWhitelist:
    def test_list_filters_and_flags(self, knowledge_index: KnowledgeIndex) -> None:
        everyone = list_agencies(knowledge_index, PUBLIC)
        assert len(everyone) == 28 and sum(a.whitelisted for a in everyone) == 23
        valuers = list_agencies(knowledge_index, PUBLIC, service="价值评估")
        assert valuers and all(any("价值评估" in s for s in a.services) for a in valuers)
        assert any(not a.whitelisted for a in valuers)  # the flag matters: some valuers are not on it
        assert all(
            a.whitelisted for a in list_agencies(knowledge_index, PUBLIC, service="价值评估", whitelisted_only=True)
        )
        assert all("浦东" in a.region for a in list_agencies(knowledge_index, PUBLIC, region="浦东"))

    def test_recommend_returns_only_whitelisted_with_reasons(self, knowledge_index: KnowledgeIndex) -> None:
        found = recommend_agencies(knowledge_index, "需要专利价值评估和作价入股方案", PUBLIC, k=5)
        assert found and all(a.whitelisted for a in found)
        assert all(any(r.startswith("服务匹配") for r in a.reasons) for a in found[:3])
        assert set(found[0].scores) == {"服务频率", "服务能力", "服务质量", "内控体系", "履约记录", "诚信记录"}

    def test_a_named_field_ranks_agencies_serving_it_first_with_contacts(self, knowledge_index: KnowledgeIndex) -> None:
        found = recommend_agencies(knowledge_index, "我们有一个抗体药物项目，需要做价值评估并设计股权方案", PUBLIC, k=5)
        assert "示例专利申请前评估服务中心" in [a.name for a in found[:2]]  # values 生物医药 projects
        assert all(any(r.startswith("领域匹配：需求属生物医药") for r in a.reasons) for a in found[:2])
        assert all(a.contact and any(r.startswith("联系：") for r in a.reasons) for a in found)


def test_cli_recommends_only_whitelisted_agencies_with_reasons(knowledge_index: KnowledgeIndex) -> None:
    env = index_env(knowledge_index)
    ran = run_cli("agencies", "--for", "需要专利价值评估和作价入股方案", "--json", env=env)
    code, payload = ran.exit_code, ran.json()
    recorded = {a.id: a.whitelisted for a in list_agencies(knowledge_index, PUBLIC)}
    assert code == 0 and payload["agencies"]
    for agency in payload["agencies"]:
        assert agency["whitelisted"] is True and recorded[agency["id"]] is True
        assert agency["reasons"] and len(agency["scores"]) == 6

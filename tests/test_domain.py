"""Typed records parsed from hand-built chunks: the shipped forms, full-width input, blanks and odd values."""

from __future__ import annotations

import math
from datetime import date

import pytest

from assistant.domain import (
    CRITERIA,
    CRITERIA_WEIGHTS,
    Agency,
    Demand,
    Disclosure,
    Patent,
    cooperation_modes,
    fields_named,
    ipc_subclasses,
    maturity_level,
    parse_date,
    parse_ipc,
    parse_money,
    parse_record,
    read_need,
    split_labels,
)
from assistant.records import Chunk, DocType, MetaValue


def chunk(doc_type: DocType, locator: str = "第1行", **meta: MetaValue) -> Chunk:
    return Chunk("X-1", doc_type, "样例记录", f"{doc_type.value}/x.csv", locator, "正文", meta=meta)


class TestParsers:
    @pytest.mark.parametrize(
        ("text", "codes"),
        [
            ("H01M 50/403；H01M 10/0525", ("H01M 50/403", "H01M 10/0525")),
            ("Ｈ０１Ｍ　５０／４０３；ｇ０６ｆ　３／０１", ("H01M 50/403", "G06F 3/01")),  # full-width, lower case
            ("C12N15/10;A61K31/517|C12N15/10", ("C12N 15/10", "A61K 31/517")),  # no spaces, repeated
            ("G06F|H04L", ("G06F", "H04L")),  # subclasses only
            ("TH01MX 见附件", ()),  # inside a word is no code
            ("", ()),
            (None, ()),
        ],
    )
    def test_parse_ipc(self, text: str | None, codes: tuple[str, ...]) -> None:
        assert parse_ipc(text) == codes

    def test_ipc_subclasses_keep_the_main_first(self) -> None:
        assert ipc_subclasses("H01M 50/403；H01M 10/05|g06f 3/01") == ("H01M", "G06F")

    @pytest.mark.parametrize(
        ("text", "level"),
        [
            ("TRL6", 6),
            ("ｔｒｌ　７", 7),
            ("TRL-3", 3),
            ("通过中试", 6),
            ("样机", 4),
            ("工程样机", 6),  # not read as 样机
            ("实验室小试", 5),
            ("已产业化", 9),
            ("可以量产", 8),
            ("小试（约TRL4）", 4),  # a stated TRL wins over the stage name
            ("TRL10", None),
            ("TRL0", None),
            ("", None),
            ("未知", None),
        ],
    )
    def test_maturity_level(self, text: str, level: int | None) -> None:
        assert maturity_level(text) == level

    @pytest.mark.parametrize(
        ("text", "bounds"),
        [
            ("50-100万元", (50.0, 100.0)),
            ("５０－１００万元", (50.0, 100.0)),
            ("≤30万元", (0.0, 30.0)),
            ("30万元及以下", (0.0, 30.0)),
            ("80万元", (80.0, 80.0)),
            ("1.2亿元", (12000.0, 12000.0)),
            ("500万-1亿", (500.0, 10000.0)),
            ("1,000万元", (1000.0, 1000.0)),
            ("5000元", (0.5, 0.5)),
            ("100万元，分3期支付", (100.0, 100.0)),
            ("100万元以上", (100.0, math.inf)),
            ("面议", None),
            ("待定", None),
            ("", None),
        ],
    )
    def test_parse_money_in_wan_yuan(self, text: str, bounds: tuple[float, float] | None) -> None:
        assert parse_money(text) == bounds

    @pytest.mark.parametrize(
        ("text", "modes"),
        [
            ("许可、作价投资", ("许可", "作价投资")),
            ("技术入股，委托开发", ("作价投资", "合作开发")),  # aliases folded
            ("作价入股、作价投资", ("作价投资",)),
            ("合作开发、转让", ("转让", "合作开发")),  # one fixed order
            ("其他", ()),
        ],
    )
    def test_cooperation_modes(self, text: str, modes: tuple[str, ...]) -> None:
        assert cooperation_modes(text) == modes

    @pytest.mark.parametrize(
        "text",
        [
            "2019-04-12",
            "2019/4/12",
            "2019.04.12",
            "2019年4月12日",
            "20190412",
            "２０１９－０４－１２",
            "2019-04-12T08:00",
        ],
    )
    def test_parse_date_forms(self, text: str) -> None:
        assert parse_date(text) == date(2019, 4, 12)

    @pytest.mark.parametrize("text", ["2019-02-30", "明年", "", None])
    def test_parse_date_rejects_what_is_no_date(self, text: str | None) -> None:
        assert parse_date(text) is None

    def test_split_labels(self) -> None:
        assert split_labels("人工智能／新一代信息技术") == ("人工智能", "新一代信息技术")
        assert split_labels("价值评估、技术咨询；价值评估") == ("价值评估", "技术咨询")
        assert split_labels(None) == ()


class TestPatent:
    def test_from_a_shipped_row(self) -> None:
        patent = Patent.from_chunk(
            chunk(
                DocType.PATENT,
                applicant="示例交通大学",
                ipc="H04W 52/02；H04W 74/08；G06N 3/04",
                filing_date="2019-04-12",
                legal_status="授权",
                maturity="中试",
                cooperation_mode="转让、技术入股",
                asking_price="30-60万元",
                industry="汽车/新能源汽车",
                sample=True,
            )
        )
        assert patent.ipc_codes == ("H04W 52/02", "H04W 74/08", "G06N 3/04")
        assert patent.ipc_subclasses == ("H04W", "G06N") and patent.ipc_section == "H"
        assert patent.filing_date == date(2019, 4, 12)
        assert (patent.maturity.text, patent.maturity.trl) == ("中试", 6)
        assert patent.cooperation_modes == ("转让", "作价投资")
        assert (patent.asking_price.text, patent.asking_price.bounds) == ("30-60万元", (30.0, 60.0))
        assert patent.main_industry == "汽车" and patent.in_industry("新能源汽车") and not patent.in_industry("新能源")
        assert patent.sample and patent.id == "X-1" and patent.chunk.locator == "第1行"

    def test_granted_and_in_force_are_one_status(self) -> None:
        granted = Patent.from_chunk(chunk(DocType.PATENT, legal_status="授权"))
        pending = Patent.from_chunk(chunk(DocType.PATENT, legal_status="实质审查"))
        assert granted.in_force and granted.has_status("有效") and granted.has_status("授权")
        assert not pending.in_force and pending.has_status("实质审查") and not pending.has_status("有效")
        assert granted.legal_status == "授权"  # the distribution still shows it as recorded

    def test_classified_under_a_section_subclass_or_group_prefix(self) -> None:
        patent = Patent.from_chunk(chunk(DocType.PATENT, ipc="H01M 50/403；C08J 9/28"))
        assert patent.classified_under("H") and patent.classified_under("c08j")
        assert patent.classified_under("H01M 50") and patent.classified_under("Ｈ０１Ｍ５０")
        assert not patent.classified_under("G06") and not patent.classified_under("H01M 10")

    def test_blank_record_states_nothing(self) -> None:
        patent = Patent.from_chunk(chunk(DocType.PATENT))
        assert patent.ipc_codes == () and patent.ipc_section == "" and patent.industries == ()
        assert patent.maturity.trl is None and patent.asking_price.bounds is None
        assert patent.filing_date is None and patent.legal_status == "" and not patent.in_force
        assert patent.cooperation_modes == () and not patent.sample

    def test_odd_values_are_unstated_not_errors(self) -> None:
        patent = Patent.from_chunk(
            chunk(
                DocType.PATENT,
                filing_date="待补",
                maturity="很成熟",
                asking_price="面议",
                ipc="见说明书",
                sample="true",
            )
        )
        assert patent.filing_date is None and patent.maturity.trl is None and patent.maturity.text == "很成熟"
        assert patent.asking_price.bounds is None and patent.ipc_codes == ()
        assert not patent.sample  # only the ingested flag counts, never a string

    def test_a_chunk_of_another_type_is_refused(self) -> None:
        with pytest.raises(ValueError, match="demand"):
            Patent.from_chunk(chunk(DocType.DEMAND))


class TestDemand:
    def test_from_a_row_typed_with_full_width_forms(self) -> None:
        demand = Demand.from_chunk(
            chunk(
                DocType.DEMAND,
                enterprise="示例精密铜材有限公司",
                industry="先进材料／节能环保",
                cooperation_mode="许可，作价入股",
                budget="１００－２００万元",
                required_maturity="ＴＲＬ６",
                deadline="２０２６－０９－３０",
                region=" 江苏省苏州市 ",
            )
        )
        assert demand.industries == ("先进材料", "节能环保") and demand.in_industry("节能环保")
        assert demand.cooperation_modes == ("许可", "作价投资")
        assert demand.budget.bounds == (100.0, 200.0) and demand.required_maturity.trl == 6
        assert demand.deadline == date(2026, 9, 30) and demand.region == "江苏省苏州市"
        assert demand.enterprise == "示例精密铜材有限公司"

    def test_blank_demand(self) -> None:
        demand = Demand.from_chunk(chunk(DocType.DEMAND, budget="", deadline=""))
        assert demand.budget.bounds is None and demand.deadline is None and demand.required_maturity.trl is None


class TestAgency:
    def test_criteria_are_the_six_of_the_whitelist_with_weights_summing_to_one(self) -> None:
        assert [label for _, label in CRITERIA] == [
            "服务频率",
            "服务能力",
            "服务质量",
            "内控体系",
            "履约记录",
            "诚信记录",
        ]
        assert set(CRITERIA_WEIGHTS) == {label for _, label in CRITERIA}
        assert sum(CRITERIA_WEIGHTS.values()) == pytest.approx(1.0)

    def test_overall_is_the_weighted_mean(self) -> None:
        scores: dict[str, MetaValue] = {"service_frequency": 50.0, "capability": 80.0, "quality": 90.0,
                                        "internal_control": 80.0, "performance_record": 90, "integrity_record": 100.0}  # fmt: skip
        agency = Agency.from_chunk(chunk(DocType.AGENCY, whitelisted=True, **scores))
        assert agency.scores["履约记录"] == 90.0
        assert agency.overall == pytest.approx(0.1 * 50 + 0.15 * 80 + 0.2 * 90 + 0.15 * 80 + 0.2 * 90 + 0.2 * 100)

    def test_missing_criteria_are_left_out_not_zero(self) -> None:
        agency = Agency.from_chunk(chunk(DocType.AGENCY, quality=80.0, capability="九十", integrity_record=True))
        assert agency.scores == {"服务质量": 80.0} and agency.overall == pytest.approx(80.0)
        assert Agency.from_chunk(chunk(DocType.AGENCY)).overall == 0.0

    def test_whitelist_flag_is_only_the_recorded_boolean(self) -> None:
        assert Agency.from_chunk(chunk(DocType.AGENCY, whitelisted=True)).whitelisted
        assert not Agency.from_chunk(chunk(DocType.AGENCY, whitelisted="是")).whitelisted
        assert not Agency.from_chunk(chunk(DocType.AGENCY)).whitelisted

    def test_services_fields_and_field_served(self) -> None:
        agency = Agency.from_chunk(
            chunk(
                DocType.AGENCY,
                services="价值评估、技术经纪；法律服务",
                fields="生物医药、生命健康",
                assessment_year=2025,
            )
        )
        assert agency.services == ("价值评估", "技术经纪", "法律服务") and agency.assessment_year == 2025
        assert agency.serves_field("生物医药") and agency.serves_field("生物") and not agency.serves_field("汽车")
        assert Agency.from_chunk(chunk(DocType.AGENCY, fields="不限")).serves_field("汽车")


def test_disclosure_keeps_owner_and_section() -> None:
    disclosure = Disclosure.from_chunk(
        chunk(DocType.DISCLOSURE, "科技成果披露表 > 成熟度", owner="r-zhang", sample=True)
    )
    assert (disclosure.owner, disclosure.section, disclosure.sample) == ("r-zhang", "成熟度", True)


def test_parse_record_by_doc_type() -> None:
    assert isinstance(parse_record(chunk(DocType.PATENT)), Patent)
    assert isinstance(parse_record(chunk(DocType.AGENCY)), Agency)
    assert parse_record(chunk(DocType.POLICY)) is None


class TestReadNeed:
    TODAY = date(2026, 12, 2)

    @pytest.mark.parametrize(
        ("text", "budget", "modes", "trl"),
        [
            ("预算50万以内、技术许可", "≤50万元", ("许可",), None),
            ("不超过100万，想买断", "≤100万元", ("转让",), None),
            ("可以入股，能直接上产线的", "", ("作价投资",), 8),
            ("预算五十万左右，授权使用就行", "约50万元", ("许可",), None),
            ("不接受入股，一百二十万以内，中试过的", "≤120万元", (), 6),
            ("经费200-300万元，一起研发", "200-300万元", ("合作开发",), None),
            ("写字楼空调电费太高", "", (), None),
        ],
    )
    def test_budget_mode_and_maturity(self, text: str, budget: str, modes: tuple[str, ...], trl: int | None) -> None:
        need = read_need(text, today=self.TODAY)
        assert (need.budget.text, need.cooperation_modes, need.maturity.trl) == (budget, modes, trl)

    @pytest.mark.parametrize(
        ("text", "deadline"),
        [
            ("年底前要有方案", date(2026, 12, 31)),
            ("3个月内落地", date(2027, 3, 31)),
            ("2027年6月30日前", date(2027, 6, 30)),
            ("明年年底", date(2027, 12, 31)),
            ("不急", None),
        ],
    )
    def test_deadline(self, text: str, deadline: date | None) -> None:
        assert read_need(text, today=self.TODAY).deadline == deadline

    def test_free_text_demand_has_the_fields_of_an_indexed_one(self) -> None:
        demand = Demand.from_text("我们在苏州，预算50万以内，希望授权使用，要能直接上产线", today=self.TODAY)
        assert demand.understood() == {
            "budget": "≤50万元",
            "cooperation_mode": ["许可"],
            "maturity": "TRL8及以上（直接上产线）",
            "region": "苏州",
            "deadline": None,
        }
        assert demand.budget.bounds == (0.0, 50.0) and demand.required_maturity.trl == 8

    def test_fields_named(self) -> None:
        assert fields_named("抗体药物的价值评估和股权方案") == ("生物医药",)
        assert fields_named("写字楼空调") == ()

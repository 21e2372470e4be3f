"""Regions, levels and dates of policy text: detected once, the same for ingest, answers and prompts."""

from __future__ import annotations

import pytest

from assistant.jurisdiction import (
    NATIONAL,
    Level,
    applies_in,
    asked_regions,
    date_label,
    is_comparison,
    level_of,
    region_of_title,
    regions_in,
    rule_label,
    sentence_region,
    source_note,
)


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("北京市规定科技成果转让的奖励比例不低于多少？", ["北京"]),
        ("沪上高校和粤港澳的规定一样吗", ["上海", "广东"]),
        ("深圳的高校把专利转让出去", ["深圳"]),
        ("杭州、南京和成都的公示期", ["杭州", "南京", "成都"]),
        ("浙江协议定价公示期多长？", ["浙江"]),
        ("山东高校的年度报告", ["山东"]),
        ("沪科规〔2023〕9号", ["上海"]),
        ("全国高校技术合同总额", [NATIONAL]),
        ("职务科技成果怎么披露？", []),
        ("技术人员的津贴和职称晋升", []),  # 津 and 晋 are words here, not 天津 and 山西
    ],
)
def test_regions_in(text: str, regions: list[str]) -> None:
    assert regions_in(text) == regions


def test_a_city_is_covered_by_its_province_and_everyone_by_national_rules() -> None:
    assert applies_in("广东", "深圳") and applies_in(NATIONAL, "深圳") and applies_in("上海", "上海")
    assert not applies_in("上海", "北京") and not applies_in("北京", "深圳")


@pytest.mark.parametrize(
    ("title", "region", "level"),
    [
        ("北京市促进科技成果转化条例", "北京", Level.REGULATION),
        ("中华人民共和国促进科技成果转化法", NATIONAL, Level.LAW),
        ("中华人民共和国专利法实施细则", NATIONAL, Level.REGULATION),
        ("上海市科技成果转化创新改革试点实施方案", "上海", Level.NORMATIVE),
        ("广东省促进科技成果转化条例", "广东", Level.REGULATION),
    ],
)
def test_region_and_level_of_an_ingested_law(title: str, region: str, level: Level) -> None:
    assert region_of_title(title) == region
    assert level_of(title) is level


@pytest.mark.parametrize(
    ("title", "issuer", "region"),
    [
        ("嘉兴市科技成果转化奖励办法", "", "嘉兴"),  # a city we do not list is still not the nation
        ("科技成果转化办法", "示例市人大常委会", "示例"),
        ("国家市场监督管理总局关于知识产权的通知", "", "全国"),  # 市场 is not a city; a central body is national
        ("城市科技服务指南", "", ""),
    ],
)
def test_a_place_we_do_not_list_is_its_own_region(title: str, issuer: str, region: str) -> None:
    assert region_of_title(title, issuer) == region


def test_our_guides_are_guides_and_faq_files_faq() -> None:
    assert level_of("科技成果转化奖励与收益分配指南", "科转助手编写组") is Level.GUIDE
    assert level_of("常见问题（一）", is_faq=True) is Level.FAQ
    assert Level.parse("法规") is Level.REGULATION and Level.parse("law") is Level.LAW and Level.parse("x") is None


def test_sentence_region_follows_the_source_it_names() -> None:
    assert (
        sentence_region("上海允许本市高校按不低于70%的标准约定（《上海市促进科技成果转化条例》第三十四条）。", NATIONAL)
        == "上海"
    )
    assert sentence_region("未约定时按不低于50%奖励（《促进科技成果转化法》第四十五条）。", "上海") == NATIONAL
    assert sentence_region("奖励由单位发放。", "上海") == "上海"
    assert is_comparison(
        "转让、许可：国家（《促进科技成果转化法》第四十五条）：不低于50%；上海（《上海市促进科技成果转化条例》）：不低于70%。"
    )


def test_labels_name_region_and_date() -> None:
    assert date_label("2017-06-01") == "2017年6月1日"
    assert (
        rule_label(NATIONAL, asked="上海", effective_date="2015-10-01")
        == "〔全国性规定，在上海同样适用，2015年10月1日起施行〕"
    )
    assert rule_label("上海", effective_date="2017-06-01") == "〔上海地方规定，2017年6月1日起施行〕"
    assert "已被修订或废止" in rule_label(NATIONAL, superseded=True)
    assert rule_label("") == ""


def test_source_note_for_the_sources_panel() -> None:
    assert (
        source_note({"region": "上海", "level": "regulation", "effective_date": "2017-06-01"})
        == "上海 · 法规 · 2017年6月1日起施行"
    )
    assert "已被新条例取代" in source_note({"region": "全国", "superseded_by": "新条例"})
    assert source_note({}) == ""


def test_a_region_set_aside_is_not_asked() -> None:
    assert asked_regions("不看上海，全国层面法定的转化奖励最低比例是多少？") == [NATIONAL]
    assert asked_regions("除上海以外，北京有规定吗？") == ["北京"]
    assert asked_regions("我在北京，打算先展出再申请专利") == ["北京"]


def test_a_district_office_is_not_a_ministry_and_a_parenthesised_pair_is_a_comparison() -> None:
    # 「区科技部门」 holds 「科技部」 but names a local office: the Shanghai regulation cited stays Shanghai's.
    assert (
        sentence_region(
            "市科学技术行政部门负责全市的认定登记，区科技部门负责本区的认定登记（《上海市技术市场条例》第十八条）。",
            "上海",
        )
        == "上海"
    )
    # A national figure set beside a regional one with a comma is a comparison too: never quoted as the national rule.
    assert is_comparison("学校从净收入中提取奖励（国家标准不低于50%，上海条例允许的标准不低于70%）。")

"""奖励测算: the reward calculator and the rule base it reads, each figure with its article."""

from decimal import Decimal, InvalidOperation

import streamlit as st

from assistant.domain import parse_yuan
from assistant.errors import KezhuanError
from assistant.tasks.rules import INSTITUTION_KINDS, MODES, NATIONAL, RewardRequest, compute_reward, load_rules, yuan
from ui.identity import current_identity
from ui.markup import md
from ui.resources import ensure_index

INCOME_LABELS = {
    "转让": "转让合同收入",
    "许可": "许可合同收入",
    "作价投资": "作价投资形成的股份价值",
    "自行实施": "年营业利润",
    "合作实施": "年营业利润",
}


def percent(text: str) -> Decimal | None:
    """A share typed as 70, 70% or ７０％; ``None`` when it is not a number."""
    try:
        return Decimal(text.strip().rstrip("%％").translate(str.maketrans("０１２３４５６７８９．", "0123456789.")))
    except InvalidOperation:
        return None


index = ensure_index()
rules = load_rules(index, current_identity().audience)
st.title("奖励测算")
st.caption(
    "按规则库计算团队至少可得的奖励和报酬：国家标准总是列出，知识库有地方规则的地区一并列出；"
    "每一步注明法规条款。金额可写 2000000、200万 或 1.5亿。具体比例以本单位制度或协议为准。"
)

left, middle, right = st.columns(3)
mode = left.selectbox("转化方式", MODES, key="reward_mode")
region = middle.text_input("地区", value="上海", key="reward_region", help="如 上海；留空为全国")
institution = right.selectbox("单位类型", list(INSTITUTION_KINDS), key="reward_institution")
left, middle, right = st.columns(3)
income_text = left.text_input(INCOME_LABELS[mode], placeholder="如 200万", key="reward_income")
costs_text = middle.text_input(
    "可扣除的费用合计（税费、维护费、评估鉴定费）",
    placeholder="如 10万",
    key="reward_costs",
    disabled=mode not in ("转让", "许可"),
)
unit_text = right.text_input("本单位规定的比例（%，没有可不填）", key="reward_unit_share")

if st.button("测算", type="primary", key="reward_go"):
    income = parse_yuan(income_text)
    costs = parse_yuan(costs_text) if costs_text.strip() and mode in ("转让", "许可") else None
    unit = percent(unit_text) if unit_text.strip() else None
    if income is None:
        st.error(f"{INCOME_LABELS[mode]}应为金额，如 2000000、200万 或 1.5亿")
    elif costs_text.strip() and mode in ("转让", "许可") and costs is None:
        st.error("扣除费用应为金额，如 10万")
    elif unit_text.strip() and unit is None:
        st.error("本单位比例应为数字，如 70")
    else:
        request = RewardRequest(mode, income, costs, region or NATIONAL, institution, unit)
        try:
            st.session_state.reward_result = compute_reward(rules, request)
        except KezhuanError as exc:
            st.session_state.reward_result = None
            st.error(str(exc))

result = st.session_state.get("reward_result")
if result is not None:
    st.metric("团队至少可得", yuan(result.binding.min_amount), help=result.binding.basis)
    st.dataframe(
        [
            {
                "规则": share.rule_id,
                "地区": share.region,
                "最低比例": f"{share.min_share * 100:g}%",
                "最低金额（元）": f"{share.min_amount:,.2f}",
                "年数": share.years or "—",
                "依据": share.basis,
            }
            for share in result.shares
        ],
        hide_index=True,
    )
    st.subheader("计算步骤")
    for number, step in enumerate(result.steps, start=1):
        st.markdown(md(f"{number}. {step.text}" + (f"（依据：{step.basis}）" if step.basis else "")))
    for note in result.notes:
        st.info(note)

with st.expander("规则库（当前地区适用的规则）"):
    st.dataframe(
        [
            {
                "编号": r.id,
                "地区": r.region,
                "事项": r.quantity,
                "数值": f"{r.value}{r.unit}" if r.value else "—",
                "转化方式": "、".join(r.modes) or "—",
                "适用单位": r.institution,
                "生效日期": r.effective_date.isoformat() if r.effective_date else "—",
                "依据": r.basis,
            }
            for r in rules.select(region=region or None)
        ],
        hide_index=True,
    )

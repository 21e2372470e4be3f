"""A small corpus written for the tests (our own text, not copied from anywhere)."""

from __future__ import annotations

from pathlib import Path

REGULATION = """---
title: 示例市科技成果转化办法
issuer: 示例市人大常委会（测试样例）
visibility: public
---
# 示例市科技成果转化办法

## 第一章 总则

第一条 为了推动高校和科研院所的研究成果进入市场，制定本办法。

第二条 本办法适用于本市行政区域内的研究成果转化活动。

## 第二章 奖励

第三条 高校将职务成果转让或者许可给企业的，应当从净收入中拿出不低于百分之七十奖励研发团队。

第四条 以成果作价入股的，应当从所得股份中拿出不低于百分之七十奖励研发团队。

## 第三章 报告

第五条 高校应当在每年三月底以前，把上一年度的成果转化情况报送主管部门。

第六条 研究人员完成职务成果后，应当在三十日内书面告知所在单位，并配合后续的试验开发。
"""

NOTICE = """---
title: 关于开展存量专利清理的通知
issuer: 示例市科委（测试样例）
doc_no: 示例科规〔2031〕7号
visibility: public
---
# 关于开展存量专利清理的通知

各有关单位：根据示例科规〔2031〕7号的安排，请于年内完成对闲置专利的清点和评估，形成分级清单。
"""

# Long shared text makes the notices' vectors nearly identical, as real notices are.
FILLER = (
    "盘点范围包括授权后三年以上未实施的发明专利、实用新型专利和软件著作权；"
    "各学院应指定联系人，逐项核对权利状态、年费缴纳情况和许可记录，"
    "对具有市场前景的专利编写推广材料，对确无价值的专利提出放弃建议并说明理由。"
) * 2

# Notices about the same topic with other numbers: only the exact number tells them apart.
OTHER_NOTICES = {
    f"policies/notice-{n}.md": f"""---
title: 关于专利清理工作的补充通知
visibility: public
---
# 关于专利清理工作的补充通知

依照示例科规〔2031〕{n}号，各单位应继续盘点闲置专利，按价值高低分级并报送清单。{FILLER}
"""
    for n in (17, 71, 27, 72, 77)
}

GUIDE = """---
title: 实验室安全与设备管理指南
issuer: 测试编写组
visibility: public
---
# 实验室安全与设备管理指南

## 危险化学品

易燃易爆试剂应分类存放在防爆柜中，领用须登记，并由两名人员共同核对。

## 仪器维护

大型仪器每季度校准一次，故障时应停止使用并报修。

## 猫咪饲养

家里的宠物猫每天需要喂两次，并且要定期驱虫和打疫苗，让小动物健康成长。

## 消防演练

每学期组织一次疏散演练，熟悉灭火器的位置和安全出口。
"""

SECRET = """---
title: 玄鸟-9型催化剂披露表
issuer: 示例理工大学化学学院
visibility: confidential
owner: r-zhang
sample: true
---
# 玄鸟-9型催化剂披露表

## 技术方案

玄鸟-9型催化剂以多孔氧化铝为载体负载纳米铂颗粒，在150℃下即可使丙烷脱氢转化率达到45%。
"""

PATENTS = """申请号,名称,摘要,申请人,IPC分类号,样例数据,备注
CN202399900001.1,一种耐高温锂电池隔膜,本发明公开了一种陶瓷涂覆的聚酰亚胺隔膜，在200℃下热收缩率低于2%。,示例理工大学,H01M 50/403,true,测试
CN202399900002.2,一种工业视觉缺陷检测方法,本发明公开了一种基于深度学习的表面划痕识别方法，检出率达到99%。,示例电子科技大学,G06T 7/00,true,测试
"""


def write_corpus(root: Path) -> Path:
    """Write the corpus under ``root`` in the folder layout of knowledge/ and return ``root``."""
    files = {
        "policies/regulation.md": REGULATION,
        "policies/notice.md": NOTICE,
        "policies/lab-guide.md": GUIDE,
        "disclosures/secret.md": SECRET,
        "patents/patents.csv": PATENTS,
        **OTHER_NOTICES,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root

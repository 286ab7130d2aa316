"""Grading as a careful teacher would: forgive slips, refuse near-misses.

The table below is the specification in examples. "F" is the shared fixture
bank (tests/fixtures/bank), "G" the grading fixture bank
(tests/fixtures/grading_bank), whose concepts have look-alike members. About
half of the rows are near-misses that must be refused. Every row is also
re-run in Traditional script (see test_traditional_twin).
"""

from __future__ import annotations

import functools
import gc
import subprocess
import sys
from pathlib import Path

import pytest

from revise.bank.loader import load_bank
from revise.bank.model import (
    Bank,
    ChoiceQuestion,
    FillQuestion,
    JudgeQuestion,
    Location,
    MultiQuestion,
    NumericQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
    letter,
)
from revise.grading import VERDICTS, Result, distractor_index, distractors, grade, parse_choice_letters
from revise.grading import textnorm as tn

FIXTURES = Path(__file__).parent / "fixtures"
BANK_PATHS = {"F": FIXTURES / "bank", "G": FIXTURES / "grading_bank"}
SATISFACTION = {"a": 5, "b": 6}  # C = b/a = 1.2
STOCK_50 = {"last": 20, "inbound": 30, "now": 10}  # (20 + 30 - 10) * 1.5 - 10 = 50
STOCK_0 = {"last": 10, "inbound": 10, "now": 30}  # max(0, ...) = 0
RATIO = {"a": 8, "b": 6}  # 0.75


def load(name: str) -> Bank:
    """A fixture bank, loaded once per test session."""
    if name not in _BANKS:
        result = load_bank([BANK_PATHS[name]])
        assert result.problems == [], [str(p) for p in result.problems]
        _BANKS[name] = result.bank
    return _BANKS[name]


_BANKS: dict[str, Bank] = {}


def case(bank: str, qid: str, response: str, verdict: str, *, score: float | None = None, says: str | None = None, params: dict | None = None):
    """One row of the table."""
    return pytest.param(bank, qid, response, verdict, score, says, params, id=f"{qid}:{response[:24]!r}->{verdict}")


ACCEPT_FILL = [
    case("G", "g-cc-2", "第二代呼叫中心", "correct", says="正确"),
    case("G", "g-cc-2", "第2代呼叫中心", "correct"),
    case("G", "g-cc-2", "第貳代呼叫中心", "correct", says="繁简体差异"),
    case("G", "g-cc-2", "第二代呼叫中芯", "correct", says="同音字 心→芯"),
    case("G", "g-cc-2", "第二带呼叫中心", "correct", says="同音字 代→带"),
    case("G", "g-cc-2", "第二代的呼叫中心", "correct", says='多写了"的"'),
    case("G", "g-cc-2", "  第二代呼叫中心。 ", "correct"),
    case("G", "g-cc-2", "交互式自动语音应答系统", "correct", says="标准说法为「第二代呼叫中心」"),
    case("G", "g-cc-4", "第4代呼叫中心", "correct"),
    case("G", "g-cc-4", "第四代呼叫中心", "correct"),
    case("G", "g-cc-4", "第肆代呼叫中心", "correct"),
    case("G", "g-cc-core", "呼叫中芯", "correct", says="同音字"),
    case("G", "g-cc-core", "呼叫中心的", "correct", says='多写了"的"'),
    case("G", "g-cc-core", "客户服务中心", "correct"),
    case("G", "g-cc-core", "客戶服務中心", "correct", says="繁简体差异"),
    case("G", "g-crm-collab", "协作型crm", "correct"),
    case("G", "g-crm-collab", "协做型CRM", "correct", says="同音字 作→做"),
    case("G", "g-crm-collab", "協作型ＣＲＭ", "correct", says="全角字符"),
    case("G", "g-crm-collab", "collaborative CRM", "correct"),
    case("G", "g-crm-collab", "协作型 CRM", "correct"),
    case("G", "g-loyalty-super", "超值忠成", "correct", says="同音字 诚→成"),
    case("G", "g-loyalty-super", "超值中诚", "correct"),
    case("G", "g-loyalty-super", "超直忠诚", "correct"),
    case("G", "g-loyalty-super", "超值忠誠", "correct", says="繁简体差异"),
    case("G", "g-loyalty-potential", "潜在忠成", "correct"),
    case("G", "g-loyalty-potential", "潛在忠誠", "correct"),
    case("G", "g-lifecycle-decline", "退化其", "correct", says="同音字 期→其"),
    case("G", "g-lifecycle-decline", "退化期", "correct"),
    case("G", "g-retention", "客戶保持", "correct"),
    case("G", "g-retention", "客护保持", "correct"),
    case("G", "g-delivered-value", "客户让度价值", "correct", says="同音字 渡→度"),
    case("G", "g-delivered-value", "顾客让渡价值", "correct"),
    case("G", "g-delivered-value", "客戶讓渡價值", "correct"),
    case("G", "g-delivered-value", "客户让渡的价值", "correct"),
    case("G", "g-crm", "CRM", "correct"),
    case("G", "g-crm", "crm", "correct"),
    case("G", "g-crm", "ＣＲＭ", "correct", says="全角字符"),
    case("G", "g-crm", "客户关系管理", "correct"),
    case("G", "g-crm", "客戶關係管理", "correct", says="繁简体差异"),
    case("G", "g-crm", "Customer Relationship Management", "correct"),
    case("G", "g-cti", "cti", "correct"),
    case("G", "g-cti", "計算機電話集成", "correct"),
    case("G", "g-4p", "四P", "correct"),
    case("G", "g-4p", "4p", "correct"),
    case("G", "g-4p", "4P营销组合", "correct"),
    case("G", "g-service-char", "无形性", "correct"),
    case("G", "g-service-char", "不可感之性", "correct", says="同音字 知→之"),
    case("G", "g-service-char", "不可感知性", "correct"),
    case("G", "g-recovery-system", "建立服务补救管理信息系充", "correct", says="错别字 统→充"),
    case("G", "g-recovery-system", "建立服務補救管理信息系統", "correct"),
    case("G", "g-unique-relation", "建立独特关系意愿", "correct", says='漏写了"的"'),
    case("G", "g-unique-relation", "建立独特的关系的意愿", "correct"),
    case("G", "g-care", "客户关怀", "correct"),
]

REFUSE_FILL = [
    case("G", "g-cc-2", "第三代呼叫中心", "incorrect", says="「第三代呼叫中心」是「呼叫中心的发展阶段」中的另一项"),
    case("G", "g-cc-2", "第四代呼叫中心", "incorrect", says="应为：第二代呼叫中心"),
    case("G", "g-cc-2", "第3代呼叫中心", "incorrect"),
    case("G", "g-cc-2", "第三代呼叫中芯", "incorrect"),
    case("G", "g-cc-2", "第二代", "incorrect", says="不完整"),
    case("G", "g-cc-2", "第二代呼叫", "incorrect", says="不完整"),
    case("G", "g-cc-2", "呼叫中心", "incorrect"),
    case("G", "g-cc-2", "第一代呼叫中心", "incorrect"),
    case("G", "g-cc-4", "第三代呼叫中心", "incorrect"),
    case("G", "g-cc-4", "第五代呼叫中心", "incorrect"),
    case("G", "g-cc-core", "呼叫中", "incorrect", says="不完整"),
    case("G", "g-cc-core", "呼叫终端", "incorrect"),
    case("G", "g-cc-core", "叫呼中心", "incorrect"),
    case("G", "g-crm-collab", "运营型CRM", "incorrect", says="「运营型CRM」是「CRM的类型」中的另一项"),
    case("G", "g-crm-collab", "分析型CRM", "incorrect"),
    case("G", "g-crm-collab", "运营形CRM", "incorrect", says="更接近「运营型CRM」"),
    case("G", "g-crm-collab", "协作型CRN", "incorrect", says="字母缩写不同"),
    case("G", "g-crm-collab", "协作型CTI", "incorrect"),
    case("G", "g-crm-collab", "协助型CRM", "incorrect"),
    case("G", "g-crm-collab", "運營型CRM", "incorrect"),
    case("G", "g-crm-collab", "operational CRM", "incorrect"),
    case("G", "g-crm-collab", "协作型", "incorrect", says="不完整"),
    case("G", "g-loyalty-super", "激励忠诚", "incorrect", says="「激励忠诚」是「客户忠诚的类型」中的另一项"),
    case("G", "g-loyalty-super", "激勵忠誠", "incorrect"),
    case("G", "g-loyalty-super", "忠诚", "incorrect"),
    case("G", "g-loyalty-super", "超值", "incorrect"),
    case("G", "g-loyalty-super", "价格忠诚", "incorrect"),
    case("G", "g-loyalty-super", "超值忠心", "incorrect"),
    case("G", "g-loyalty-potential", "忠诚", "incorrect", says="「忠诚」不完整"),
    case("G", "g-loyalty-potential", "惰性忠诚", "incorrect"),
    case("G", "g-loyalty-potential", "潜在", "incorrect"),
    case("G", "g-loyalty-potential", "潜在忠诚度", "incorrect"),
    case("G", "g-loyalty-potential", "惰性忠成", "incorrect"),
    case("G", "g-lifecycle-decline", "稳定期", "incorrect", says="「稳定期」是「客户关系生命周期」中的另一项"),
    case("G", "g-lifecycle-decline", "穩定期", "incorrect"),
    case("G", "g-lifecycle-decline", "退化", "incorrect"),
    case("G", "g-lifecycle-decline", "形成期", "incorrect"),
    case("G", "g-lifecycle-decline", "衰退期", "incorrect"),
    case("G", "g-retention", "客户关怀", "incorrect", says="「客户关怀」是另一个概念"),
    case("G", "g-retention", "客戶關懷", "incorrect"),
    case("G", "g-retention", "客户维持", "incorrect"),
    case("G", "g-retention", "保持", "incorrect"),
    case("G", "g-care", "客户保持", "incorrect"),
    case("G", "g-delivered-value", "客户让渡加值", "incorrect", says="不是本题的答案"),
    case("G", "g-delivered-value", "客户让渡加直", "incorrect", says="更接近「客户让渡加值」"),
    case("G", "g-delivered-value", "客户价值", "incorrect"),
    case("G", "g-delivered-value", "让渡价值", "incorrect"),
    case("G", "g-crm", "CTI", "incorrect"),
    case("G", "g-crm", "CRN", "incorrect", says="字母缩写不同"),
    case("G", "g-crm", "ERP", "incorrect"),
    case("G", "g-crm", "客户关系", "incorrect"),
    case("G", "g-cti", "CRM", "incorrect"),
    case("G", "g-cti", "CTL", "incorrect"),
    case("G", "g-4p", "4C", "incorrect"),
    case("G", "g-4p", "5P", "incorrect", says="数字不同"),
    case("G", "g-4p", "四C", "incorrect"),
    case("G", "g-service-char", "可感知性", "incorrect", says="属于「服务质量的评价标准」"),
    case("G", "g-service-char", "不可感知", "incorrect"),
    case("G", "g-service-char", "有形性", "incorrect"),
    case("G", "g-service-char", "不可分离性", "incorrect"),
    case("G", "g-recovery-system", "服务补救管理信息系统", "incorrect", says="不完整"),
    case("G", "g-recovery-system", "建立服务补救管理系统", "incorrect"),
    case("G", "g-recovery-system", "建立客户关系管理信息系统", "incorrect"),
    case("G", "g-unique-relation", "建立独特关系的愿望", "incorrect"),
    case("G", "g-unique-relation", "不愿建立独特关系", "incorrect"),
]

LISTS = [
    case("F", "mkt-4p-list", "产品、价格、地点、促销", "correct", says="正确"),
    case("F", "mkt-4p-list", "促销，价格，产品，渠道", "correct", says="顺序不限"),
    case("F", "mkt-4p-list", "4P：產品 價格 地點 促銷", "correct", says="繁简体差异"),
    case("F", "mkt-4p-list", "产品和价格与渠道及促销", "correct"),
    case("F", "mkt-4p-list", "product, price, place, promotion", "correct"),
    case("F", "mkt-4p-list", "产品;价格；地点;促销", "correct"),
    case("F", "mkt-4p-list", "产品/价格/地点/促销", "correct"),
    case("F", "mkt-4p-list", "产品 价格 地点 促销", "correct"),
    case("F", "mkt-4p-list", "①产品②价格③地点④促销", "correct"),
    case("F", "mkt-4p-list", "1.产品 2.价格 3.地点 4.促销", "correct"),
    case("F", "mkt-4p-list", "产品价格渠道促销", "correct"),
    case("F", "mkt-4p-list", "产品、价格、地点、促消", "correct", says="同音字 销→消"),
    case("F", "mkt-4p-list", "产品，价格，地点，促销。", "correct"),
    case("F", "mkt-4p-list", "产品、价格、渠道、Promotion", "correct"),
    case("G", "g-crm-list", "分析型CRM、运营型CRM、协作型CRM", "correct", says="顺序不限"),
    case("G", "g-crm-list", "CRM：协作型CRM 分析型CRM 操作型CRM", "correct"),
    case("G", "g-recovery-list", "快速反应、重视客户抱怨、从补救经历中学习、追踪和反馈补救结果、建立服务补救管理信息系统", "correct"),
    case("G", "g-recovery-list", "重视客户抱怨 快速反应 追踪和反馈补救结果 从补救经历中学习 建立服务补救管理信息系统", "correct"),
    case("G", "g-lifecycle-list", "考察期、形成期、稳定期、退化期", "correct"),
    case("G", "g-lifecycle-list", "考查期，形成期，稳定期，退化期", "correct"),
    case("G", "g-lifecycle-list", "考察期 形成期 穩定期 退化期", "correct"),
    case("G", "g-lifecycle-list", "考察其、形成期、稳定期、退化期", "correct", says="同音字 期→其"),
    # Near-misses inside lists.
    case("F", "mkt-4p-list", "产品、价格、便利、促销", "partial", score=0.75, says="「便利」属于「4C营销理论」"),
    case("F", "mkt-4p-list", "产品、价格、地点", "partial", score=0.75, says="少了：促销"),
    case("F", "mkt-4p-list", "产品、价格、地点、促销、沟通", "partial", score=0.8, says="多写了 1 项"),
    case("F", "mkt-4p-list", "产品、产品、产品、产品", "partial", score=0.25, says="重复"),
    case("F", "mkt-4p-list", "顾客、成本、便利、沟通", "incorrect"),
    case("F", "mkt-4p-list", "4C：顾客、成本、便利、沟通", "incorrect"),
    case("F", "mkt-4p-list", "产品、价格、地点、沟通", "partial", score=0.75),
    case("F", "mkt-4p-list", "产品价格", "partial", score=0.5),
    case("F", "mkt-4p-list", "产品、价钱、地点、促销", "partial", score=0.75),
    case("F", "mkt-4p-list", "商品、价格、地点、促销", "partial", score=0.75),
    case("G", "g-crm-list", "运营型CRM、分析型CRM", "partial", score=0.6667, says="少了：协作型CRM"),
    case("G", "g-crm-list", "运营型CRM、分析型CRM、交易型CRM", "partial", score=0.6667),
    case("G", "g-crm-list", "运营型CTI、分析型CRM、协作型CRM", "partial", score=0.6667),
    case("G", "g-lifecycle-list", "形成期、考察期、稳定期、退化期", "partial", score=0.5, says="顺序不对"),
    case("G", "g-lifecycle-list", "考察期、形成期、退化期、稳定期", "partial", score=0.5),
    case("G", "g-lifecycle-list", "考察期、形成期、稳定期", "partial", score=0.75),
    case("G", "g-lifecycle-list", "考察期、成长期、成熟期、衰退期", "partial", score=0.25),
    case("G", "g-recovery-list", "重视客户抱怨、快速反应", "partial", score=0.4),
    case("G", "g-lifecycle-list", "考察期、（空）、稳定期、退化期", "partial", score=0.75, says="少了：形成期"),
]

CHOICE = [
    case("F", "mkt-4c-odd", "C", "correct", says="正确"),
    case("F", "mkt-4c-odd", "c", "correct"),
    case("F", "mkt-4c-odd", "Ｃ", "correct"),
    case("F", "mkt-4c-odd", "ｃ", "correct"),
    case("F", "mkt-4c-odd", "C.", "correct"),
    case("F", "mkt-4c-odd", "(C)", "correct"),
    case("F", "mkt-4c-odd", "C. 促销", "correct"),
    case("F", "mkt-4c-odd", "C促销", "correct"),
    case("F", "mkt-4c-odd", "答案：C", "correct"),
    case("F", "mkt-4c-odd", "选C", "correct"),
    case("F", "mkt-4c-odd", "促销", "correct", says="按选项内容判断"),
    case("F", "mkt-4c-odd", "促銷", "correct", says="繁简体差异"),
    case("F", "mkt-4c-odd", " c ", "correct"),
    case("G", "g-servqual-odd", "c", "correct"),
    case("G", "g-servqual-odd", "不可分离性", "correct"),
    case("G", "g-servqual-odd", "不可分離性", "correct"),
    case("F", "mkt-4c-odd", "B", "incorrect", says="选了B（成本）"),
    case("F", "mkt-4c-odd", "成本", "incorrect", says="选了B（成本）"),
    case("F", "mkt-4c-odd", "E", "incorrect", says="没有选项E"),
    case("F", "mkt-4c-odd", "AC", "incorrect", says="只能选一个"),
    case("F", "mkt-4c-odd", "C 成本", "incorrect", says="不一致"),
    case("F", "mkt-4c-odd", "便利", "incorrect", says="不是任何一个选项"),
    case("F", "mkt-4c-odd", "顾客", "incorrect"),
    case("F", "mkt-4c-odd", "a", "incorrect"),
    case("F", "mkt-4c-odd", "促进", "incorrect"),
    case("G", "g-servqual-odd", "可靠性", "incorrect"),
    case("G", "g-servqual-odd", "A", "incorrect"),
    case("G", "g-servqual-odd", "D", "incorrect"),
    case("G", "g-servqual-odd", "不可感知性", "incorrect"),
]

MULTI = [
    case("F", "mkt-4p-multi", "ACE", "correct", says="正确"),
    case("F", "mkt-4p-multi", "ace", "correct"),
    case("F", "mkt-4p-multi", "A,C,E", "correct"),
    case("F", "mkt-4p-multi", "E、C、A", "correct"),
    case("F", "mkt-4p-multi", "a c e", "correct"),
    case("F", "mkt-4p-multi", "ＡＣＥ", "correct"),
    case("F", "mkt-4p-multi", "CAE", "correct"),
    case("F", "mkt-4p-multi", "答案：ACE", "correct"),
    case("F", "mkt-4p-multi", "产品、价格、促销", "correct"),
    case("F", "mkt-4p-multi", "產品，價格，促銷", "correct"),
    case("G", "g-crm-multi", "ABC", "correct"),
    case("G", "g-crm-multi", "CBA", "correct"),
    case("G", "g-crm-multi", "运营型CRM、分析型CRM、协作型CRM", "correct"),
    case("F", "mkt-4p-multi", "AC", "partial", score=0.6667, says="少选了E（促销）"),
    case("F", "mkt-4p-multi", "A", "partial", score=0.3333),
    case("F", "mkt-4p-multi", "产品、价格", "partial", score=0.6667),
    case("F", "mkt-4p-multi", "ABCE", "incorrect", says="多选了B（便利）"),
    case("F", "mkt-4p-multi", "ACDE", "incorrect", says="多选了D（沟通）"),
    case("F", "mkt-4p-multi", "B", "incorrect"),
    case("F", "mkt-4p-multi", "AB", "incorrect"),
    case("F", "mkt-4p-multi", "ACEF", "incorrect", says="没有选项F"),
    case("F", "mkt-4p-multi", "BD", "incorrect"),
    case("F", "mkt-4p-multi", "产品、便利", "incorrect"),
    case("G", "g-crm-multi", "AB", "incorrect", says="少选不得分"),
    case("G", "g-crm-multi", "ABCD", "incorrect"),
    case("G", "g-crm-multi", "D", "incorrect"),
    case("G", "g-crm-multi", "A", "incorrect"),
]

TRUE_FALSE = [
    *(
        case("F", "mkt-4p-tf", token, "correct")
        for token in ("错", "錯", "错误", "錯誤", "否", "×", "✗", "F", "f", "false", "FALSE", "N", "n", "错。", "（×）", "错，便利属于4C")
    ),
    *(case("G", "g-lifecycle-tf", token, "correct") for token in ("对", "對", "正确", "正確", "是", "√", "✓", "T", "true", "Y", "y", "对的")),
    *(case("F", "mkt-4p-tf", token, "incorrect") for token in ("对", "√", "T", "true", "是")),
    case("F", "mkt-4p-tf", "fine", "incorrect", says="无法识别"),
    case("F", "mkt-4p-tf", "不知道", "incorrect"),
    *(case("G", "g-lifecycle-tf", token, "incorrect") for token in ("错", "×", "F", "否", "N", "maybe")),
]

JUDGE = [
    case("F", "mkt-4c-judge", "错，应为沟通", "correct", says="正确"),
    case("F", "mkt-4c-judge", "× 沟通", "correct"),
    case("F", "mkt-4c-judge", "錯，應為溝通", "correct"),
    case("F", "mkt-4c-judge", "错，应该是沟通", "correct"),
    case("F", "mkt-4c-judge", "错 communication", "correct"),
    case("F", "mkt-4c-judge", "×沟通", "correct"),
    case("F", "mkt-4c-judge", "错，便利应为沟通", "correct"),
    case("F", "mkt-4c-judge", "错。应改为：沟通", "correct"),
    case("F", "mkt-4c-judge", "F 沟通", "correct"),
    case("F", "mkt-4c-judge", "错，应为勾通", "correct", says="同音字 沟→勾"),
    case("F", "mkt-4c-judge-true", "对", "correct"),
    case("F", "mkt-4c-judge-true", "√", "correct"),
    case("F", "mkt-4c-judge-true", "对的", "correct"),
    case("G", "g-cc-judge", "错，应为第二代呼叫中心", "correct"),
    case("G", "g-cc-judge", "错，应为第2代呼叫中心", "correct"),
    case("G", "g-cc-judge", "×，应为第二代", "correct"),
    case("G", "g-cc-judge", "错，第三代应改为第二代", "correct"),
    case("G", "g-loyalty-judge", "错，应为超值忠诚", "correct"),
    case("G", "g-loyalty-judge", "错，超值忠成", "correct"),
    case("F", "mkt-4c-judge", "错", "partial", score=0.5, says="没有改正"),
    case("F", "mkt-4c-judge", "×", "partial", score=0.5),
    case("F", "mkt-4c-judge", "错，应为便利", "partial", score=0.5, says="改正不对"),
    case("F", "mkt-4c-judge", "错，应为促销", "partial", score=0.5, says="属于「4P营销组合」"),
    case("F", "mkt-4c-judge", "错，沟通应为便利", "partial", score=0.5),
    case("F", "mkt-4c-judge", "沟通", "partial", score=0.5, says="没有写判断"),
    case("G", "g-cc-judge", "×，应为第四代呼叫中心", "partial", score=0.5),
    case("G", "g-cc-judge", "错，应为第三代呼叫中心", "partial", score=0.5),
    case("G", "g-loyalty-judge", "错，应为潜在忠诚", "partial", score=0.5),
    case("G", "g-loyalty-judge", "错，应为激励忠诚", "partial", score=0.5),
    case("G", "g-loyalty-judge", "错，应为忠诚", "partial", score=0.5, says="不完整"),
    case("F", "mkt-4c-judge", "对", "incorrect", says="应改为「沟通」"),
    case("F", "mkt-4c-judge", "√ 沟通", "incorrect"),
    case("F", "mkt-4c-judge", "随便", "incorrect"),
    case("G", "g-cc-judge", "对", "incorrect"),
    case("F", "mkt-4c-judge-true", "错", "incorrect", says="本题的说法是对的"),
    case("F", "mkt-4c-judge-true", "×，应为沟通", "incorrect"),
]

NUMERIC = [
    *(case("F", "val-satisfaction", text, "correct", params=SATISFACTION) for text in ("1.2", "1.20", "6/5", "C=6/5=1.2", "１．２", "约1.2", "1.21", "1.19")),
    case("F", "val-satisfaction", "120%", "correct", says="120% 即 1.2", params=SATISFACTION),
    *(case("F", "val-stock", text, "correct", params=STOCK_50) for text in ("50", "50箱", "５０箱", "共需进货50箱", "50.0", "五十箱")),
    *(case("F", "val-stock", text, "correct", params=STOCK_0) for text in ("不进货", "0", "0箱", "本期不进货")),
    *(case("F", "val-fixed", text, "correct") for text in ("20%", "20", "百分之二十", "２０％")),
    case("F", "val-fixed", "0.2", "correct", says="0.2 即 20%"),
    *(case("G", "g-revenue", text, "correct") for text in ("1,200,000元", "120万元", "1200000", "一百二十万元", "120万")),
    *(case("G", "g-ratio", text, "correct", params=RATIO) for text in ("0.75", "3/4", "75%", "0.7501")),
    *(case("F", "val-satisfaction", text, "incorrect", params=SATISFACTION) for text in ("12", "1.3", "5/6", "12%", "0.83", "不知道")),
    case("F", "val-satisfaction", "120", "incorrect", says="百分数", params=SATISFACTION),
    *(case("F", "val-stock", text, "incorrect", params=STOCK_50) for text in ("不进货", "49", "-50", "0")),
    *(case("F", "val-fixed", text, "incorrect") for text in ("80%", "80", "2")),
    *(case("G", "g-revenue", text, "incorrect") for text in ("1200", "120000", "12万")),
    *(case("G", "g-ratio", text, "incorrect", params=RATIO) for text in ("0.8", "4/3", "80%")),
]

SHORT = [
    case("F", "val-crm-short", "以客户为中心，追求客户价值最大化，实现企业长期利润", "correct", says="要点齐全"),
    case("F", "val-crm-short", "以客戶為中心，追求客戶價值最大化，實現企業長期利潤", "correct"),
    case("F", "val-crm-short", "客户为中芯，客户价值，长期的利润", "correct"),
    case("F", "val-crm-essay", "CRM以客户为中芯，重视长期的关系和客户数据", "correct", says="同音字 心→芯"),
    case("G", "g-recovery-short", "要重视客户抱怨并快速反应，同时追踪反馈，还要从补救经历中学习，最后建立服务补救管理信息系统", "correct"),
    case("F", "val-crm-short", "以客户为中心，实现长期利润", "partial", score=0.6667, says="少了：客户价值最大化"),
    case("F", "val-crm-short", "以客户为中心", "partial", score=0.3333, says="少了：客户价值最大化、长期利润"),
    case("G", "g-recovery-short", "快速反映", "partial", score=0.2),
    case("F", "val-crm-short", "提高销售额", "incorrect", says="没有答到要点"),
    case("F", "val-crm-short", "以产品为中心，追求短期利润", "incorrect"),
    case("F", "val-crm-short", "不以客户为中心", "incorrect"),
    case("F", "val-crm-essay", "传统营销重视产品", "incorrect"),
]

TABLE = ACCEPT_FILL + REFUSE_FILL + LISTS + CHOICE + MULTI + TRUE_FALSE + JUDGE + NUMERIC + SHORT


def check(bank_name: str, qid: str, response: str, verdict: str, score: float | None, says: str | None, params: dict | None) -> Result:
    bank = load(bank_name)
    result = grade(bank.questions[qid], response, bank, params=params)
    assert result.verdict == verdict, (response, result)
    if score is not None:
        assert result.score == pytest.approx(score, abs=1e-3), result
    elif verdict == "correct":
        assert result.score == 1.0
    elif verdict == "incorrect":
        assert result.score == 0.0
    if says is not None:
        assert says in result.feedback, result.feedback
    return result


@pytest.mark.parametrize(("bank_name", "qid", "response", "verdict", "score", "says", "params"), TABLE)
def test_table(bank_name, qid, response, verdict, score, says, params) -> None:
    check(bank_name, qid, response, verdict, score, says, params)


@functools.lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def _to_traditional(text: str) -> str:
    return _s2t().convert(text)


def _twins() -> list:
    """Rows whose answer has a Traditional form that converts back to it, typed in that form."""
    twins = []
    for row in TABLE:
        bank_name, qid, response, verdict, score, _says, params = row.values
        traditional = _to_traditional(response)
        if traditional != response and tn.to_simplified(traditional) == tn.to_simplified(response):
            twins.append(pytest.param(bank_name, qid, traditional, verdict, score, params, id=f"{qid}:{traditional[:24]!r}->{verdict}"))
    return twins


@pytest.mark.parametrize(("bank_name", "qid", "response", "verdict", "score", "params"), _twins())
def test_traditional_twin(bank_name, qid, response, verdict, score, params) -> None:
    """The same answer typed in Traditional script gets the same verdict and score."""
    check(bank_name, qid, response, verdict, score, None, params)


def test_the_table_is_big_and_half_refusals() -> None:
    assert len(TABLE) >= 200
    assert len(_twins()) >= 100  # and many rows again in Traditional script
    refusals = sum(1 for row in TABLE if row.values[3] != "correct")
    assert 0.4 <= refusals / len(TABLE) <= 0.6, refusals / len(TABLE)
    types = {load(row.values[0]).questions[row.values[1]].type for row in TABLE}
    assert types == {"fill", "choice", "multi", "truefalse", "judge", "short", "essay", "numeric"}


# -- the named examples, without a bank ---------------------------------------------

LOCATION = Location(Path("t.yaml"), 1)


def fill(*forms: str, reject: tuple[str, ...] = ()) -> FillQuestion:
    return FillQuestion(id="t", prompt="____", location=LOCATION, blanks=(tuple(forms),), reject=reject)


@pytest.mark.parametrize(
    ("key", "typed", "accepted"),
    [
        ("呼叫中心", "呼叫中芯", True),
        ("客户忠诚", "客户忠成", True),
        ("客户让渡价值", "客户让度价值", True),
        ("客户关系管理", "客戶關係管理", True),
        ("建立独特关系的意愿", "建立独特关系意愿", True),
        ("第四代呼叫中心", "第4代呼叫中心", True),
        ("第二代呼叫中心", "第三代呼叫中心", False),
        ("协作型CRM", "运营型CRM", False),
        ("退化期", "稳定期", False),
        ("超值忠诚", "激励忠诚", False),
        ("客户保持", "客户关怀", False),
        ("4P", "4C", False),
        ("CRM", "CTI", False),
        ("潜在忠诚", "忠诚", False),
        ("客户关系管理", "客户关系处理", False),  # one real change in 6 characters is not a slip
    ],
)
def test_named_examples_without_a_bank(key: str, typed: str, accepted: bool) -> None:
    result = grade(fill(key), typed)
    assert (result.verdict == "correct") is accepted, result


def test_reject_list_refuses_even_without_a_bank() -> None:
    question = fill("不可感知性", reject=("可感知性", "客户让渡加值"))
    assert grade(question, "可感知性").verdict == "incorrect"
    assert "不是本题的答案" in grade(question, "可感知性").feedback
    keyed = fill("客户让渡价值", reject=("客户让渡加值",))
    assert grade(keyed, "客户让渡加值").verdict == "incorrect"
    assert grade(keyed, "客户让渡加直").verdict == "incorrect"  # closer to the rejected term
    assert grade(keyed, "客户让渡价直").verdict == "correct"


def test_the_bank_turns_a_forgivable_slip_into_a_near_miss() -> None:
    """运营形CRM is one homophone from 运营型CRM: without the bank nothing says it is a different type."""
    bank = load("G")
    question = bank.questions["g-crm-collab"]
    assert grade(question, "运营形CRM", bank).verdict == "incorrect"
    assert grade(question, "协做型CRM", bank).verdict == "correct"


# -- empty answers ---------------------------------------------------------------------------


@pytest.mark.parametrize("response", ["", "   ", "\n\t", "。", "，，、", "?!", "……", "\u3000", "\x00\x1b", "“”"])
@pytest.mark.parametrize("bank_name", ["F", "G"])
def test_empty_answers_are_unanswered(bank_name: str, response: str) -> None:
    bank = load(bank_name)
    for question in bank.questions.values():
        params = _params_for(question)
        result = grade(question, response, bank, params=params)
        assert (result.verdict, result.score, result.feedback) == ("incorrect", 0.0, "未作答"), (question.id, result)
        assert result.expected


def _params_for(question: Question) -> dict[str, float] | None:
    if isinstance(question, NumericQuestion) and question.params:
        return {p.name: p.choices()[-1] for p in question.params}
    return None


# -- anything the student types --------------------------------------------------------------

HOSTILE = [
    "客" * 100_000,
    "产品、" * 30_000,
    "x" * 100_000,
    "\x00\x01\x02\x1b[31m\x7f" * 1000,
    "😀🎉👍" * 10_000,
    "[b]markup[/b] [red]x[/] [link=http://x]y[/link]" * 200,
    "\ud800\udfff",
    "1" * 100_000,
    "错" + "，应为" * 20_000,
    "A" * 100_000,
    "1/0",
    "9" * 400 + "/0.0",
    "1e308%",
    "-" * 5000,
    "(((((((((((",
    "\u202e\u200b\ufeff",
]


@pytest.mark.parametrize("response", HOSTILE, ids=lambda text: f"{len(text)}:{text[:8]!r}")
def test_any_input_never_crashes(response: str) -> None:
    for bank_name in ("F", "G"):
        bank = load(bank_name)
        for question in bank.questions.values():
            result = grade(question, response, bank, params=_params_for(question))
            assert result.verdict in VERDICTS
            assert 0.0 <= result.score <= 1.0
            assert result.feedback and len(result.feedback) < 2000
            assert "\x00" not in result.feedback and "\x1b" not in result.feedback


def test_grading_is_deterministic() -> None:
    bank = load("G")
    for response in ("运营形CRM", "协做型CRM", "第三代呼叫中心", "产品、价格"):
        for question in bank.questions.values():
            params = _params_for(question)
            assert grade(question, response, bank, params=params) == grade(question, response, bank, params=params)


# -- consistency over whole banks --------------------------------------------------------------


@pytest.mark.parametrize("bank_name", ["F", "G"])
def test_every_key_and_alternative_is_accepted(bank_name: str) -> None:
    bank = load(bank_name)
    for question in bank.questions.values():
        for response in _right_answers(question):
            result = grade(question, response, bank, params=_params_for(question))
            if isinstance(question, ShortQuestion) and response == question.answer:
                continue  # a model answer need not spell out every keypoint
            assert result.verdict == "correct", (question.id, response, result)


def _right_answers(question: Question) -> list[str]:
    if isinstance(question, FillQuestion):
        if len(question.blanks) == 1:
            return list(question.blanks[0])
        return ["、".join(blank[0] for blank in question.blanks), "，".join(blank[-1] for blank in question.blanks)]
    if isinstance(question, ChoiceQuestion):
        return [letter(question.answer), letter(question.answer).lower(), question.options[question.answer]]
    if isinstance(question, MultiQuestion):
        return ["".join(letter(i) for i in sorted(question.answer)), "、".join(question.options[i] for i in sorted(question.answer))]
    if isinstance(question, TrueFalseQuestion):
        return ["对" if question.answer else "错"]
    if isinstance(question, JudgeQuestion):
        return ["对"] if question.answer else [f"错，应为{form}" for form in question.corrections]
    if isinstance(question, ShortQuestion):
        return ["；".join(keypoint.forms[0] for keypoint in question.keypoints), question.answer]
    if isinstance(question, NumericQuestion):
        from revise.bank.model import format_number

        return [format_number(question.expected(_params_for(question) or {}))]
    return []


def test_sibling_members_are_refused_everywhere() -> None:
    """For every single-blank fill and judge with a concept, each other member of it or of a confusable concept is refused."""
    checked = 0
    for bank_name in ("F", "G"):
        bank = load(bank_name)
        for question in bank.questions.values():
            concept = bank.concepts.get(question.concept or "")
            if concept is None:
                continue
            if isinstance(question, FillQuestion) and len(question.blanks) == 1:
                forms, template = question.blanks[0], "{}"
            elif isinstance(question, JudgeQuestion) and not question.answer:
                forms, template = question.corrections, "错，应为{}"
            else:
                continue
            keys = {tn.prepare(form).skeleton for form in forms}
            related = [concept, *(bank.concepts[c] for c in concept.confusable if c in bank.concepts)]
            for member in (m for c in related for m in c.members):
                if any(tn.prepare(form).skeleton in keys for form in member.forms):
                    continue
                result = grade(question, template.format(member.term), bank)
                assert result.verdict != "correct", (question.id, member.term, result)
                checked += 1
    assert checked >= 20


# -- expected text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bank_name", "qid", "params", "expected"),
    [
        ("F", "mkt-4c-odd", None, "C. 促销"),
        ("F", "mkt-4p-multi", None, "A、C、E"),
        ("F", "mkt-4p-tf", None, "错"),
        ("F", "mkt-4c-judge", None, "错，应为：沟通"),
        ("F", "mkt-4c-judge-true", None, "对"),
        ("F", "mkt-4p-list", None, "产品、价格、地点、促销"),
        ("F", "val-stock", STOCK_50, "50 箱"),
        ("F", "val-satisfaction", SATISFACTION, "1.2"),
        ("F", "val-fixed", None, "20%"),
    ],
)
def test_expected_display_text(bank_name, qid, params, expected) -> None:
    bank = load(bank_name)
    assert grade(bank.questions[qid], "随便写的", bank, params=params).expected == expected


def test_short_answers_report_found_and_missed_keypoints() -> None:
    bank = load("F")
    result = grade(bank.questions["val-crm-short"], "以客户为中心，实现长期利润", bank)
    assert result.found == ("以客户为中心", "长期利润")
    assert result.missed == ("客户价值最大化",)
    assert "少了：客户价值最大化" in result.feedback
    full = grade(bank.questions["val-crm-short"], "以客户为中心，客户价值最大化，长期利润", bank)
    assert full.missed == () and len(full.found) == 3


# -- numeric params -----------------------------------------------------------------------------


def test_numeric_with_params_needs_the_values_shown() -> None:
    bank = load("F")
    with pytest.raises(ValueError, match="params"):
        grade(bank.questions["val-satisfaction"], "1.2", bank)
    with pytest.raises(ValueError, match="b"):
        grade(bank.questions["val-satisfaction"], "1.2", bank, params={"a": 5})
    # A fixed-answer question needs none.
    assert grade(bank.questions["val-fixed"], "20%", bank).verdict == "correct"


def test_numeric_is_graded_against_the_values_shown() -> None:
    bank = load("F")
    question = bank.questions["val-satisfaction"]
    assert grade(question, "2", bank, params={"a": 4, "b": 8}).verdict == "correct"
    assert grade(question, "2", bank, params={"a": 5, "b": 6}).verdict == "incorrect"


# -- choice letters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n", "expected"),
    [
        ("A", 4, {0}),
        ("c", 4, {2}),
        ("Ｃ", 4, {2}),
        ("A,C", 5, {0, 2}),
        ("CA", 5, {0, 2}),
        ("a c e", 5, {0, 2, 4}),
        ("E、C、A", 5, {0, 2, 4}),
        ("答案：BD", 4, {1, 3}),
        ("E", 4, None),
        ("", 4, None),
        ("促销", 4, None),
        ("A1", 4, None),
    ],
)
def test_parse_choice_letters(text: str, n: int, expected: set[int] | None) -> None:
    assert parse_choice_letters(text, n) == (frozenset(expected) if expected is not None else None)


# -- the distractor index ----------------------------------------------------------------------------


def test_distractor_index_is_built_once_per_bank_and_dropped_with_it() -> None:
    bank = load_bank([BANK_PATHS["G"]]).bank
    first = distractor_index(bank)
    assert distractor_index(bank) is first
    assert len(first) > 40
    key = id(bank)
    assert key in distractors._INDEX_CACHE
    del bank
    gc.collect()
    assert key not in distractors._INDEX_CACHE


def test_exact_answers_never_build_the_index() -> None:
    """A right answer typed exactly needs no known terms: the CLI and the app stay fast."""
    bank = load_bank([BANK_PATHS["F"]]).bank
    for qid, response in [
        ("mkt-4p-list", "促销、价格、产品、渠道"),
        ("mkt-4c-odd", "促销"),
        ("mkt-4c-odd", "C"),
        ("mkt-4p-multi", "产品、价格、促销"),
        ("mkt-4c-judge", "错，应为沟通"),
    ]:
        assert grade(bank.questions[qid], response, bank).verdict == "correct"
    assert id(bank) not in distractors._INDEX_CACHE
    assert grade(bank.questions["mkt-4p-list"], "产品、价格、便利、促销", bank).verdict == "partial"
    assert id(bank) in distractors._INDEX_CACHE


def test_distractor_index_is_rebuilt_when_the_bank_grows() -> None:
    bank = load_bank([BANK_PATHS["G"]]).bank
    first = distractor_index(bank)
    bank.questions["extra"] = fill("全新的术语")
    assert distractor_index(bank) is not first
    assert distractor_index(bank).exact(tn.prepare("全新的术语").skeleton)


@pytest.mark.parametrize(
    ("query", "edits", "expected"),
    [
        ("运营形crm", 1, ["运营型crm"]),
        ("第2代呼叫中心", 1, ["第1代呼叫中心", "第2代呼叫中心", "第3代呼叫中心", "第4代呼叫中心", "第5代呼叫中心"]),
        ("稳定期", 0, ["稳定期"]),
        ("完全无关的文字", 2, []),
    ],
)
def test_distractor_index_finds_near_terms(query: str, edits: int, expected: list[str]) -> None:
    index = distractor_index(load("G"))
    assert index.near(query, edits) == expected


def test_near_search_agrees_with_a_full_scan() -> None:
    """The q-gram pigeonhole filter loses nothing: compare with brute force."""
    from rapidfuzz.distance import Levenshtein

    index = distractor_index(load("G"))
    for query in ["运营形crm", "超值忠成", "客户关坏", "第2代呼叫", "可感知", "crn", "保持", "快速反映", "a", "建立服务补救管理系统"]:
        for edits in (1, 2, 3):
            brute = sorted(s for s in index.skeletons if Levenshtein.distance(query, s) <= edits)
            assert index.near(query, edits) == brute, (query, edits)


# -- normalisation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "compact"),
    [
        ("第四代呼叫中心", "第4代呼叫中心"),
        ("第十二代", "第12代"),
        ("客戶關係管理", "客户关系管理"),
        ("ＣＲＭ", "crm"),
        ("  协作型 CRM。", "协作型crm"),
        ("四P", "4p"),
        ("呼叫中心", "呼叫中心"),  # t2s leaves Simplified CRM words alone
    ],
)
def test_compact_normalisation(text: str, compact: str) -> None:
    assert tn.prepare(text).compact == compact


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("四", 4),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("一百零五", 105),
        ("两千", 2000),
        ("一万二千", 12000),
        ("一亿二千万", 120_000_000),
        ("贰", 2),
        ("x", None),
    ],
)
def test_chinese_numbers(text: str, value: int | None) -> None:
    assert tn.chinese_number(text) == value


def test_filler_characters_drop_except_inside_words() -> None:
    assert tn.drop_fillers("建立独特关系的意愿") == "建立独特关系意愿"
    assert tn.drop_fillers("及时处理") == "及时处理"
    assert tn.drop_fillers("生产与消费的不可分离性") == "生产消费不可分离性"


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("4C：顾客、成本和便利 沟通", ["顾客", "成本", "便利", "沟通"]),
        ("①产品②价格", ["产品", "价格"]),
        ("1.产品 2.价格", ["产品", "价格"]),
        ("追踪和反馈补救结果 价格与促销", ["追踪和反馈补救结果", "价格", "促销"]),
        ("计算机、电话、网络的集成；销售模块", ["计算机、电话、网络的集成", "销售模块"]),
        ("随便写和什么、产品", ["随便写和什么", "产品"]),
        ("制定策略、及时总结", ["制定策略", "及时总结"]),
    ],
)
def test_split_items_with_known_items(text: str, items: list[str]) -> None:
    known = {"顾客", "成本", "便利", "沟通", "产品", "价格", "促销", "追踪和反馈补救结果", "计算机、电话、网络的集成", "销售模块", "制定策略", "及时总结"}
    assert tn.split_items(text, known.__contains__) == items


def test_homophones() -> None:
    assert tn.are_homophones("心", "芯") and tn.are_homophones("度", "渡") and tn.are_homophones("诚", "成")
    assert not tn.are_homophones("三", "四") and not tn.are_homophones("心", "心") and not tn.are_homophones("a", "b")


@pytest.mark.parametrize(("text", "blank"), [("", True), (" 。，", True), ("\x00", True), ("√", False), ("😀", False), ("a", False)])
def test_is_blank(text: str, blank: bool) -> None:
    assert tn.is_blank(text) is blank


def test_pypinyin_is_not_imported_until_a_homophone_is_checked() -> None:
    script = (
        "import sys\n"
        "from revise.bank.model import FillQuestion, Location\n"
        "from pathlib import Path\n"
        "from revise.grading import grade\n"
        "q = FillQuestion(id='t', prompt='____', location=Location(Path('t'), 1), blanks=(('呼叫中心',),))\n"
        "assert grade(q, '呼叫中心').verdict == 'correct'\n"
        "assert grade(q, '完全不对的答案').verdict == 'incorrect'\n"
        "assert 'pypinyin' not in sys.modules and 'pypinyin.core' not in sys.modules\n"
        "assert grade(q, '呼叫中芯').verdict == 'correct'\n"
        "assert 'pypinyin.core' not in sys.modules  # only its per-character table was read\n"
        "assert 'textual' not in sys.modules\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr

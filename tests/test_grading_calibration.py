"""Agreement with a fair teacher on realistic answers to the shipped bank (issue 11).

tests/fixtures/calibration/answers.yaml holds answers written the way students
write under exam pressure, each labelled before the grader saw it (see
benchmarks/bench_calibration.py for how agreement is counted). The floors here
are the level reached, rounded down: a change that lowers one fails.

The second half pins the rules that the measurement led to, each with answers
it must accept or credit and near-misses it must still refuse.
"""

from __future__ import annotations

import functools

import pytest

from benchmarks.bench_calibration import measure, summarise
from revise.bank.loader import load_bank
from revise.bank.model import Bank
from revise.grading import grade
from revise.paths import shipped_bank

# Agreement floors per group (the level reached, rounded down), and the false verdicts allowed.
FLOORS = {"all": 0.96, "term": 0.98, "free": 0.93, "short": 0.93, "essay": 0.89, "fill": 0.98, "judge": 0.99, "numeric": 0.99}
MAX_FALSE_ACCEPTS = 0
MAX_FALSE_REJECTS = 1
# The bank is edited while this set stands: most of its questions must still be there.
MIN_ROWS = 560


@functools.cache
def shipped() -> Bank:
    return load_bank([shipped_bank()]).bank


@functools.cache
def measured():
    return measure(shipped())


def test_the_set_is_large_and_mixed() -> None:
    rows, _missing = measured()
    assert len(rows) >= MIN_ROWS
    free = sum(1 for row in rows if row.type in ("short", "essay"))
    assert free / len(rows) >= 0.4
    assert {row.type for row in rows} >= {"fill", "judge", "numeric", "short", "essay"}


def test_no_false_accepts() -> None:
    rows, _missing = measured()
    accepted = [(row.id, row.answer, row.got_verdict, row.got_score) for row in rows if row.false_accept]
    assert len(accepted) <= MAX_FALSE_ACCEPTS, accepted


def test_false_rejects_stay_few() -> None:
    rows, _missing = measured()
    rejected = [(row.id, row.answer, row.got_verdict) for row in rows if row.false_reject]
    assert len(rejected) <= MAX_FALSE_REJECTS, rejected


@pytest.mark.parametrize("group", sorted(FLOORS))
def test_agreement_floor(group: str) -> None:
    rows, _missing = measured()
    summary = summarise(rows)
    disagreeing = [(row.id, row.answer[:40], row.got_score) for row in rows if not row.agrees and (group == "all" or row.type == group)]
    assert summary[group].agreement >= FLOORS[group], (summary[group], disagreeing[:10])


# -- the rules, with near-misses -----------------------------------------------------------------

# (question, answer, low, high): the score must fall in [low, high].
FREE_TEXT_RULES = [
    # Word order: the relation between two concepts runs one way.
    ("life-short-care-retention", "客户关怀是客户保持的重要内容，客户保持是客户关怀的结果。", 0.5, 0.5),
    ("life-short-care-retention", "客户保持是客户关怀的重要内容，客户关怀是客户保持的结果。", 0.0, 0.0),
    # A direction (从A转向B, 把A变为B) must run as the key says.
    ("mkt-shift-short", "从以产品为中心转向以客户为中心，从以销售为中心转向以关系为中心。", 0.4, 0.4),
    ("mkt-shift-short", "从以客户为中心转向以产品为中心，从以关系为中心转向以销售为中心。", 0.0, 0.0),
    ("info-dev-short", "客户开发是把潜在客户变为现实客户的过程。", 0.25, 0.3),
    ("info-dev-short", "客户开发是把现实客户变为潜在客户的过程。", 0.1, 0.15),
    # 「A而不是B」 contrasts, it does not deny.
    ("impl-cc-culture-short", "以客户需求为中心而不是以生产为中心。", 0.25, 0.25),
    # A clause that relates two things (对应, →) binds them: pairs across clauses are not pairs.
    ("mkt-4p-4c-short", "产品对应顾客需求，价格对应成本，地点对应便利，促销对应沟通。", 0.5, 0.6),
    ("mkt-4p-4c-short", "产品对应成本，价格对应顾客，地点对应沟通，促销对应便利。", 0.0, 0.0),
    # A relation denied in its clause earns nothing, though a later clause repeats a word.
    ("crm-goal-short", "忠诚度是CRM的目标。", 0.25, 0.25),
    ("crm-goal-short", "客户忠诚度不是CRM的目标，CRM的目标是客户满意。", 0.0, 0.0),
    # A point that negates itself is found with its own negation (满意不一定会带来忠诚).
    ("sat-profit-seeker-short", "哪家便宜就换到哪家，所以客户满意不一定会带来忠诚。", 0.3, 0.7),
    # Content belongs to the term it follows, not to the term after it.
    ("loy-short-incentive-premium", "激励忠诚是为了奖励，超值忠诚是有感情。", 0.4, 0.4),
    ("loy-short-incentive-premium", "激励忠诚是有感情，超值忠诚是为了奖励。", 0.0, 0.0),
    ("val-chev-short", "关键客户要分配最多资源，维持客户要逐步撤出资源。", 0.5, 0.5),
    ("val-chev-short", "关键客户要逐步撤出资源，维持客户要分配最多资源。", 0.0, 0.0),
    # ...but content before a term in its own clause is its own (促销产生促销性数据).
    ("info-data-reason-short", "了解客户产生描述性数据，针对性促销产生促销性数据，产生交易产生交易性数据。", 0.75, 0.75),
    # A term is not its own content: 惰性 inside 惰性忠诚 explains nothing (the 惰性 written after it does, a little).
    ("loy-short-inertia-latent", "惰性忠诚。潜在忠诚。", 0.0, 0.0),
    # Three of seven names (of eight points), nothing said about them: the names' share only (NAMED_SHARE each).
    ("loy-short-catherine", "垄断忠诚、惰性忠诚、激励忠诚。", 0.11, 0.12),
    # The longest term wins where two overlap (客户满意 inside 客户满意度): the 感觉状态 said of
    # 客户满意度 is not said of 客户满意. (The bank's member 关系质量测评 accepts 客户满意 as a form
    # of 客户满意度, so 「客户满意是评价指标」 still earns its point: a bank fix, see the report.)
    ("sat-def-short", "客户满意度是客户的感觉状态。", 0.0, 0.0),
    ("sat-def-short", "客户满意是客户的感觉状态。", 0.25, 0.25),
    # A term equated with another term (SFA是营销自动化) is a confusion.
    ("sys-fmod-map-short", "SFA是营销自动化，负责营销活动策划；MA是销售自动化，负责销售预测。", 0.0, 0.0),
    ("sys-fmod-map-short", "SFA是销售自动化，负责销售预测；MA是营销自动化，负责营销活动策划。", 0.5, 0.5),
    # A denied term carries no content.
    ("svc-skills-short", "不需要向员工授权，一线员工只要听从安排。", 0.0, 0.0),
    ("svc-skills-short", "要向员工授权，让一线员工在现场处理问题。", 0.33, 0.34),
    # No phrase runs across punctuation: 高依恋、低重复购买 does not say 依恋低.
    ("loy-latent-short", "潜在忠诚是低依恋、高重复购买。", 0.0, 0.0),
    ("sat-short-formula", "C=a/b，a是感知值，b是期望值。", 0.0, 0.0),
    # Content without its name counts in an own-words description of several points...
    ("crm-drivers-short", "客户需求信息的收集、买卖双方地位的变化、各方人员的业务需求、现代信息技术的发展。", 1.0, 1.0),
    # ...not as one stray phrase, and not where the question names the term itself.
    ("svc-complaint-sig-short", "投诉的客户都是找麻烦的，企业应该尽量少理会。", 0.0, 0.0),
    ("impl-modes-short", "自主构建、系统购买、外包服务。", 0.6, 0.6),
    # A minus between words is 减 (总价值-总成本).
    ("val-cdv-short", "客户让渡价值是总价值-总成本。", 0.2, 0.2),
    # 不足 is a noun, not a negation.
    ("svc-complaint-sig-short", "投诉能让企业发现自己的不足并加以改进。", 0.25, 0.25),
]


@pytest.mark.parametrize(("qid", "answer", "low", "high"), FREE_TEXT_RULES, ids=[f"{q}:{a[:16]}" for q, a, _l, _h in FREE_TEXT_RULES])
def test_free_text_rules(qid: str, answer: str, low: float, high: float) -> None:
    question = shipped().questions.get(qid)
    if question is None:
        pytest.skip(f"{qid} is no longer in the bank")
    result = grade(question, answer, shipped())
    assert low - 1e-3 <= result.score <= high + 1e-3, (result.score, result.feedback)


# (question, answer, verdict)
TERM_RULES = [
    # A correction first, then its reason in another clause.
    ("mkt-4v-judge", "错，应改为功能化，差异化是variation", "correct"),
    ("mkt-4v-judge", "错，应改为功能化，或者差异化", "partial"),
    ("mkt-4v-judge", "错，应改为功能化，应为差异化", "partial"),
    ("sys-crm-types-judge", "错，是分析型，协作型是渠道集成", "correct"),
    # A correction with a few words inside it, none a negation.
    ("crm-rel-judge", "错，企业一方付出较多", "correct"),
    ("crm-rel-judge", "错，企业不付出较多", "partial"),
    # The question's own terms restated around the correction; not listed with it.
    ("info-dev-order-tf", "错，克服异议在销售陈述后面", "correct"),
    ("info-data-3p-judge", "错，数据租用属于通过第三方获得", "correct"),
    # A correction denied in its clause.
    ("svc-recovery-tf", "错，服务补救也针对可能导致失误的环节", "correct"),
    ("svc-recovery-tf", "错，服务补救不针对可能导致失误的环节", "partial"),
    # Numbers in a list of blanks, in any written form; a blank followed by % takes a percent.
    ("mkt-2080-fill", "80%，20%", "correct"),
    ("mkt-2080-fill", "八十，二十", "correct"),
    ("mkt-2080-fill", "百分之八十、百分之二十", "correct"),
    ("mkt-2080-fill", "20%，80%", "incorrect"),
    ("mkt-2080-fill", "八十，三十", "partial"),
    # 三十五万元 when the unit is 万元.
    ("val-cv-num1", "三十五万元", "correct"),
]

PARAMS = {"val-cv-num1": {"revenue": 50.0, "cost": 20.0, "referral": 5.0}}


@pytest.mark.parametrize(("qid", "answer", "verdict"), TERM_RULES, ids=[f"{q}:{a[:16]}" for q, a, _v in TERM_RULES])
def test_term_rules(qid: str, answer: str, verdict: str) -> None:
    question = shipped().questions.get(qid)
    if question is None:
        pytest.skip(f"{qid} is no longer in the bank")
    result = grade(question, answer, shipped(), params=PARAMS.get(qid))
    assert result.verdict == verdict, result.feedback

"""A question as plain text: what the student sees, then the key and every accepted form (for `revise show`)."""

from __future__ import annotations

from revise.bank.model import (
    Bank,
    ChoiceQuestion,
    FillQuestion,
    JudgeQuestion,
    MatchQuestion,
    MultiQuestion,
    NumericQuestion,
    Question,
    ShortQuestion,
    format_number,
    letter,
)
from revise.bank.params import render_prompt
from revise.grading import expected_text


def describe(question: Question, bank: Bank, params: dict[str, float], indent: str = "") -> str:
    """The student's view, the key, accepted and refused forms, explanation and readable source."""
    lines = [f"{question.id}  {question.type_label}  章节：{question.chapter or '—'}" + (f"  标签：{'、'.join(question.tags)}" if question.tags else "")]
    lines += ["", render_prompt(question, params)]
    if isinstance(question, (ChoiceQuestion, MultiQuestion)):
        lines += [f"  {letter(i)}. {option}" for i, option in enumerate(question.options)]
        if not question.shuffle:
            lines.append("  （选项不打乱顺序）")
    elif isinstance(question, MatchQuestion):
        lines += [f"  {i}. {left}" for i, left in enumerate(question.lefts, 1)]
        lines += [f"  {letter(i)}. {right}" for i, right in enumerate(sorted(question.rights))]
    if params:
        lines.append("  抽到的数值：" + "，".join(f"{name}={format_number(value)}" for name, value in params.items()))
    lines += ["", f"答案：{expected_text(question, params or None)}"]
    lines += [f"  {line}" for line in accepted_forms(question)]
    if question.reject:
        lines.append(f"  判为错误：{'、'.join(question.reject)}")
    if question.explanation:
        lines.append(f"解析：{question.explanation}")
    source = bank.sources.get(question.source or "")
    if source:
        lines.append(f"出处：{source.cite(question.ref)}")
    elif question.ref:
        lines.append(f"出处：{question.ref}")
    return "\n".join(indent + line if line else line for line in lines)


def accepted_forms(question: Question) -> list[str]:
    """Lines listing what the grader accepts beyond the canonical answer."""
    lines: list[str] = []
    if isinstance(question, FillQuestion):
        for number, blank in enumerate(question.blanks, 1):
            lines.append(f"第{number}空接受：{'、'.join(blank)}")
        if question.any_order:
            lines.append("各空顺序不限")
    elif isinstance(question, JudgeQuestion) and question.corrections:
        lines.append(f"接受的改正：{'、'.join(question.corrections)}")
    elif isinstance(question, MultiQuestion):
        lines.append("少选得部分分，错选不得分" if question.partial else "全对才得分")
    elif isinstance(question, NumericQuestion):
        if question.formula is not None:
            lines.append(f"公式：{question.formula.text}")
        lines.append(f"误差：{question.tolerance}" + (f"；单位：{question.unit}" if question.unit else ""))
        for value, forms in question.accept.items():
            lines.append(f"答案为 {format_number(value)} 时也接受：{'、'.join(forms)}")
        if question.accept_always:
            lines.append(f"也接受：{'、'.join(question.accept_always)}")
    elif isinstance(question, ShortQuestion):
        if question.kind:
            lines.append(f"类别：{question.kind}")
        lines.append("得分要点：")
        for number, point in enumerate(question.keypoints, 1):
            detail = ""
            if point.says:
                detail = "（须说到：" + "；".join(" / ".join(group) for group in point.says) + "）"
            elif len(point.phrases) > 1:
                detail = "（也接受：" + "、".join(point.phrases[1:]) + "）"
            lines.append(f"  {number}. {point.label}{detail}")
    return lines

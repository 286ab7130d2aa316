"""Anki decks (.apkg) with genanki: stable ids, so a re-export updates cards instead of duplicating them.

Deck and model ids are derived from fixed names, and each note's GUID from
its question id. Fill questions with one blank are type-in cards, with
several blanks cloze cards; choice questions show their options; 判断并改错
is a two-step note (judge, then correct); short and essay answers carry
their key points on the back. Every note has its explanation and readable
source, and tags for chapter, concept and type.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from revise.bank.model import (
    BLANK_RE,
    Bank,
    ChoiceQuestion,
    FillQuestion,
    JudgeQuestion,
    MatchQuestion,
    MultiQuestion,
    NumericQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
    format_number,
    letter,
)

CSS = ".card{font-family:'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;font-size:20px;text-align:left;line-height:1.6}.extra{color:#555;font-size:16px}.points li{margin:.2em 0}"
FIELDS = [{"name": "Prompt"}, {"name": "Answer"}, {"name": "Extra"}, {"name": "QuestionId"}]
EXTRA = '<hr id=answer>{{Answer}}<div class="extra">{{Extra}}</div>'


def stable_id(name: str) -> int:
    """A 31-bit id from a name: the same name always gives the same Anki id."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "big") >> 1 | (1 << 30)


def _models():
    import genanki

    basic = genanki.Model(
        stable_id("revise basic"),
        "revise 问答",
        fields=FIELDS,
        templates=[{"name": "问答", "qfmt": "{{Prompt}}", "afmt": "{{FrontSide}}" + EXTRA}],
        css=CSS,
    )
    typed = genanki.Model(
        stable_id("revise type-in"),
        "revise 填空（输入答案）",
        fields=FIELDS,
        templates=[{"name": "输入", "qfmt": "{{Prompt}}<br>{{type:Answer}}", "afmt": "{{FrontSide}}" + '<div class="extra">{{Extra}}</div>'}],
        css=CSS,
    )
    cloze = genanki.Model(
        stable_id("revise cloze"),
        "revise 填空（挖空）",
        fields=[{"name": "Text"}, {"name": "Extra"}, {"name": "QuestionId"}],
        templates=[{"name": "挖空", "qfmt": "{{cloze:Text}}", "afmt": '{{cloze:Text}}<div class="extra">{{Extra}}</div>'}],
        css=CSS,
        model_type=genanki.Model.CLOZE,
    )
    judge = genanki.Model(
        stable_id("revise judge"),
        "revise 判断并改错",
        fields=[{"name": "Prompt"}, {"name": "Judgment"}, {"name": "Correction"}, {"name": "Extra"}, {"name": "QuestionId"}],
        templates=[
            {"name": "1 判断", "qfmt": "{{Prompt}}<br>对还是错？", "afmt": '{{FrontSide}}<hr id=answer>{{Judgment}}<div class="extra">{{Extra}}</div>'},
            {
                "name": "2 改错",
                "qfmt": "{{#Correction}}{{Prompt}}<br>这句话是错的。请改正：{{/Correction}}",
                "afmt": '{{FrontSide}}<hr id=answer>{{Correction}}<div class="extra">{{Extra}}</div>',
            },
        ],
        css=CSS,
    )
    return basic, typed, cloze, judge


def _h(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _extra(question: Question, bank: Bank) -> str:
    parts = []
    if question.explanation:
        parts.append("解析：" + _h(question.explanation))
    source = bank.sources.get(question.source or "")
    if source:
        parts.append("出处：" + _h(source.cite(question.ref)))
    elif question.ref:
        parts.append("出处：" + _h(question.ref))  # never a file name: only the section, when the title is unknown
    return "<br>".join(parts)


def _tags(question: Question) -> list[str]:
    tags = [f"章节::{question.chapter}", f"题型::{question.type_label}", *question.tags]
    if question.concept:
        tags.append(f"概念::{question.concept}")
    return [re.sub(r"\s+", "_", tag) for tag in tags if tag]


def export_apkg(bank: Bank, questions: list[Question], out: Path, deck_name: str = "客户关系管理", *, timestamp: float | None = None) -> list[str]:
    """Write an .apkg with one note per question; returns warnings for what Anki cannot check.

    `timestamp` (default: now) is the notes' modification time; Anki's import
    updates an existing note (same GUID) only when the file's copy is newer.
    """
    import genanki

    basic, typed, cloze, judge = _models()
    warnings: list[str] = []
    decks: dict[str, genanki.Deck] = {}
    for question in questions:
        name = f"{deck_name}::{question.chapter}" if question.chapter else deck_name
        deck = decks.setdefault(name, genanki.Deck(stable_id("deck:" + name), name))
        extra = _extra(question, bank)
        guid = genanki.guid_for("revise", question.id)
        tags = _tags(question)
        prompt = _h(question.prompt)
        if isinstance(question, FillQuestion) and len(question.blanks) == 1:
            fields = [_h(BLANK_RE.sub("＿＿＿", question.prompt)), html.escape(question.blanks[0][0]), extra, question.id]
            note = genanki.Note(model=typed, fields=fields, guid=guid, tags=tags)
            if len(question.blanks[0]) > 1:
                warnings.append(f"{question.id}: Anki 的输入比对是逐字的，其他写法（{'、'.join(question.blanks[0][1:])}）只写在背面")
                note.fields[2] = "<br>".join(part for part in ("其他写法：" + _h("、".join(question.blanks[0][1:])), extra) if part)
        elif isinstance(question, FillQuestion):
            pieces = BLANK_RE.split(question.prompt)
            text = _h(pieces[0]) + "".join(
                f"{{{{c{i}::{_h(blank[0]).replace('}}', '} }')}}}}}{_h(piece)}" for i, (blank, piece) in enumerate(zip(question.blanks, pieces[1:]), 1)
            )
            note = genanki.Note(model=cloze, fields=[text, extra, question.id], guid=guid, tags=tags)
        elif isinstance(question, JudgeQuestion):
            correction = "" if question.answer else _h("、".join(question.corrections))
            note = genanki.Note(model=judge, fields=[prompt, "对" if question.answer else "错", correction, extra, question.id], guid=guid, tags=tags)
        else:
            note = genanki.Note(model=basic, fields=[_front(question), _back(question), extra, question.id], guid=guid, tags=tags)
            if isinstance(question, NumericQuestion) and question.params:
                warnings.append(f"{question.id}: Anki 不能随机出数，卡片上是一组固定数值")
        deck.add_note(note)
    genanki.Package(list(decks.values())).write_to_file(str(out), timestamp=timestamp)
    return warnings


def _middle(question: NumericQuestion) -> dict[str, float]:
    return {p.name: float(p.choices()[len(p.choices()) // 2]) for p in question.params}


def _front(question: Question) -> str:
    if isinstance(question, (ChoiceQuestion, MultiQuestion)):
        options = "".join(f"<div>{letter(i)}. {_h(option)}</div>" for i, option in enumerate(question.options))
        return f"{_h(question.prompt)}<div class=options>{options}</div>"
    if isinstance(question, MatchQuestion):
        rights = sorted(question.rights)
        return f"{_h(question.prompt)}<div>{'　'.join(_h(left) for left in question.lefts)}</div><div>→ {'　'.join(_h(r) for r in rights)}</div>"
    if isinstance(question, NumericQuestion):
        return _h(question.render_prompt(_middle(question)))
    if isinstance(question, TrueFalseQuestion):
        return f"{_h(question.prompt)}<br>对还是错？"
    return _h(question.prompt)


def _back(question: Question) -> str:
    if isinstance(question, ChoiceQuestion):
        return f"{letter(question.answer)}. {_h(question.options[question.answer])}"
    if isinstance(question, MultiQuestion):
        return "、".join(f"{letter(i)}. {_h(question.options[i])}" for i in sorted(question.answer))
    if isinstance(question, TrueFalseQuestion):
        return "对" if question.answer else "错"
    if isinstance(question, MatchQuestion):
        return "<br>".join(f"{_h(left)} → {_h(right)}" for left, right in question.pairs)
    if isinstance(question, NumericQuestion):
        value = question.expected(_middle(question))
        return format_number(value) + (f" {_h(question.unit)}" if question.unit else "")
    if isinstance(question, ShortQuestion):
        points = "".join(f"<li>{_h(point.label)}</li>" for point in question.keypoints)
        return f"{_h(question.answer.strip())}<div>得分要点：</div><ul class=points>{points}</ul>"
    return ""

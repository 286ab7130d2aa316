"""Moodle GIFT: a reader that follows Moodle's own ``question/format/gift/format.php``, and a writer.

Reading follows Moodle's rules step by step: questions are separated by
blank lines, ``//`` lines are comments, ``$CATEGORY:`` switches the category
(a chapter here), ``::name::`` names a question (its id when it is a valid
id), escapes ``\\~ \\= \\# \\{ \\} \\: \\n`` and ``\\\\`` are protected before
anything else, and the type is decided in Moodle's order: no braces is a
description, ``{}`` an essay, ``#`` numerical, ``~`` multiple choice, ``=``
with ``->`` matching, T/F true-false, else short answer.

GIFT cannot say everything a bank says. The writer keeps what Moodle reads
and puts the rest in a ``// revise: {...}`` comment that Moodle ignores and
this reader uses (key points of free-text questions, several blanks), and a
judge question's correction in its general feedback as ``改正：…``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
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
)
from revise.formats.common import (
    MAX_QUESTIONS,
    IdMaker,
    ImportResult,
    blank_prompt,
    choice_question,
    clean,
    free_text_question,
    keypoint_yaml,
    options_problem,
    split_source,
)
from revise.formats.textfile import read_text

# Placeholders for escaped control characters, from the Unicode private use area.
_ESCAPES = {"\\:": "\ue001", "\\#": "\ue002", "\\=": "\ue003", "\\{": "\ue004", "\\}": "\ue005", "\\~": "\ue006", "\\n": "\ue007"}
_RESTORE = {"\ue001": ":", "\ue002": "#", "\ue003": "=", "\ue004": "{", "\ue005": "}", "\ue006": "~", "\ue007": "\n", "\ue000": "\\"}
WEIGHT_RE = re.compile(r"^%(-*)([0-9]{1,2})\.?([0-9]*)%")  # Moodle's $giftanswerweightregex
FORMAT_RE = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
HINT_PREFIX = "// revise:"
CORRECTION_PREFIX = "改正："


def _protect(text: str) -> str:
    text = text.replace("\\\\", "\ue000")
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def _restore(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text


def _plain(text: str) -> str:
    """Text as a student reads it: format marker removed, HTML tags stripped and entities decoded, escapes restored."""
    text = text.strip()
    match = FORMAT_RE.match(text)
    if match:
        text = text[match.end() :]
        if match.group(1).lower() in ("html", "moodle"):
            text = html.unescape(re.sub(r"<br\s*/?>", "\n", re.sub(r"<(?!br)[^>]*>", "", text)))
    return clean(_restore(text))


def _weight(answer: str) -> tuple[float | None, str]:
    """(weight, rest) when the answer starts with %N%, as Moodle's answerweightparser reads it."""
    match = WEIGHT_RE.match(answer)
    if not match:
        return None, answer
    body = answer[1:]
    end = body.index("%")
    try:
        weight = float(body[:end]) / 100
    except ValueError:
        weight = 0.0
    return weight, body[end + 1 :]


def _comment(answer: str) -> tuple[str, str]:
    """(answer, feedback) split at the first #; feedback wrapped over lines is joined."""
    text, _, feedback = answer.partition("#")
    return _plain(text), " ".join(_plain(feedback).split())


def blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of each blank-line separated block."""
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            yield start, current
            current = []
    if current:
        yield start, current


def read_gift(path: Path, result: ImportResult | None = None, *, chapter: str | None = None) -> ImportResult:
    """Every question of a GIFT file; what cannot be converted is reported as `file:line`."""
    result = result or ImportResult()
    text = read_text(path)
    ids = IdMaker(path.stem)
    category = chapter or path.stem
    for line, lines in blocks(text):
        hint: dict = {}
        kept = []
        for raw in lines:
            stripped = raw.strip()
            if stripped.startswith(HINT_PREFIX):
                try:
                    loaded = json.loads(stripped[len(HINT_PREFIX) :])
                    hint = loaded if isinstance(loaded, dict) else {}
                except ValueError:
                    hint = {}
            kept.append(" " if stripped.startswith("//") else raw)
        body = "\n".join(kept).strip()
        if not body:
            continue
        where = f"{path}:{line}"
        body = _protect(body)
        if body.startswith("$CATEGORY:"):
            path_text = _restore(body[len("$CATEGORY:") :]).strip()
            category = chapter or path_text.rstrip("/").split("/")[-1].strip() or category
            continue
        result.seen += 1
        if result.question_count() >= MAX_QUESTIONS:
            result.problem(where, f"题目数超过上限 {MAX_QUESTIONS}，只导入了前 {MAX_QUESTIONS} 题，从这一题起没有读；请把题目分成几个文件", limit=True)
            break
        question = _question(body, where, hint, result)
        if question is not None:
            question["id"] = ids.make(question["type"], question.pop("_name", None))
            result.chapter(category).questions.append(_id_first(question))
    return result


def _id_first(question: dict) -> dict:
    return {"id": question.pop("id"), **question}


def _question(text: str, where: str, hint: dict, result: ImportResult) -> dict | None:
    """One GIFT question as a bank dict, or None (reported) when it cannot be converted."""
    name = None
    if text.startswith("::"):
        end = text.find("::", 2)
        if end != -1:
            name = _restore(text[2:end]).strip()
            text = text[end + 2 :].strip()
        else:
            text = text[2:]
    start, finish = text.find("{"), text.find("}")
    if start == -1 and finish == -1:
        result.problem(where, "说明文字（没有答案的“题目”），题库里没有对应的题型")
        return None
    if start == -1 or finish == -1 or finish < start:
        result.problem(where, "大括号 { } 不配对")
        return None
    answer_text = text[start + 1 : finish].strip()
    if text.endswith("}"):
        prompt_raw = text[:start] + text[finish + 1 :]
        missing_word = False
    else:
        prompt_raw = text[:start] + "____" + text[finish + 1 :]
        missing_word = True
    general = ""
    separator = answer_text.rfind("####")
    if separator != -1:
        general = _plain(answer_text[separator + 4 :])
        answer_text = answer_text[:separator].strip()
    prompt = _plain(prompt_raw)
    if not prompt:
        result.problem(where, "题干是空的")
        return None
    common: dict = {"_name": name, "prompt": prompt}
    if answer_text == "":
        model = hint.get("answer")
        if isinstance(model, str) and general.startswith(model.strip()):
            # Written by export_gift: the model answer, then the explanation, in one feedback.
            general, rest = model, general[len(model.strip()) :].strip()
        else:
            rest = ""
        converted = _essay(general, hint, where, result)
        general = rest
    elif answer_text.startswith("#"):
        converted = _numerical(answer_text[1:], where, result)
    elif "~" in answer_text:
        converted = _multichoice(answer_text, where, result)
    elif "=" in answer_text and "->" in answer_text:
        converted = _matching(answer_text, where, result)
    else:
        check = answer_text.split("#", 1)[0].strip() if answer_text.find("#") > 0 else answer_text
        if check in ("T", "TRUE", "F", "FALSE"):
            converted = _truefalse(answer_text, general)
            if converted.get("type") == "judge":
                general = ""
        else:
            converted = _shortanswer(answer_text, hint, where, result)
            if converted is not None:
                converted["prompt"] = blank_prompt(prompt, len(converted["answer"]) if isinstance(converted["answer"], list) else 1)
    if converted is None:
        return None
    feedback = converted.pop("_feedback", [])
    explanation = "\n".join(part for part in [general, *feedback] if part)
    question = {**common, **converted}
    if explanation:
        question["explanation"] = explanation
    if isinstance(hint.get("unit"), str) and question["type"] == "numeric":
        question["unit"] = hint["unit"]
    split_source(question)
    if missing_word and question["type"] not in ("fill", "choice", "multi", "numeric"):
        question["prompt"] = prompt.replace("____", "（　）")
    return question


def _multichoice(answer_text: str, where: str, result: ImportResult) -> dict | None:
    single = "=" in answer_text
    parts = answer_text.replace("=", "~=").split("~")
    if parts and not parts[0].strip():
        parts = parts[1:]
    options: list[str] = []
    weights: list[float] = []
    feedback: list[str] = []
    for part in parts:
        part = part.strip()
        if part.startswith("="):
            weight: float | None = 1.0
            part = part[1:]
        else:
            weight, part = _weight(part)
            weight = weight if weight is not None else 0.0
        option, note = _comment(part)
        options.append(option)
        weights.append(weight or 0.0)
        if note:
            feedback.append(f"{option}：{note}")
    if len(options) < 2:
        result.problem(where, "选择题至少要有两个选项")
        return None
    problem = options_problem(options)
    if problem:
        result.problem(where, problem)
        return None
    if single:
        correct = [index for index, weight in enumerate(weights) if weight >= 1]
        if len(correct) > 1:
            result.problem(where, "有几个“=”答案；题库的单选题只有一个正确答案，取第一个", "warning")
            correct = correct[:1]
        if any(0 < weight < 1 for weight in weights):
            result.problem(where, "部分得分的选项（%N%）在单选题里没有对应，按错误选项处理", "warning")
    else:
        correct = [index for index, weight in enumerate(weights) if weight > 0]
        if any(weight < 0 for weight in weights):
            result.problem(where, "负分选项按错误选项处理（题库的多选题错选不得分）", "warning")
    if not correct:
        result.problem(where, "没有正确选项")
        return None
    return {**choice_question(options, correct), "_feedback": feedback}


def _matching(answer_text: str, where: str, result: ImportResult) -> dict | None:
    parts = answer_text.split("=")
    if parts and not parts[0].strip():
        parts = parts[1:]
    pairs: list[list[str]] = []
    distractors: list[str] = []
    for part in parts:
        if "->" not in part:
            result.problem(where, f"配对项“{_plain(part)}”缺少“->”")
            return None
        left, _, right = part.partition("->")
        left_text, right_text = _plain(left), _plain(right)
        if not right_text:
            result.problem(where, "配对项的右边是空的")
            return None
        if left_text:
            pairs.append([left_text, right_text])
        else:
            distractors.append(right_text)
    if not 2 <= len(pairs) <= 10:
        result.problem(where, f"配对题要有 2 到 10 组配对，这里有 {len(pairs)} 组")
        return None
    lefts, rights = [p[0] for p in pairs], [p[1] for p in pairs] + distractors
    if len(set(lefts)) != len(lefts) or len(set(rights)) != len(rights):
        result.problem(where, "配对题的左边或右边有重复项")
        return None
    question: dict = {"type": "match", "pairs": pairs}
    if distractors:
        question["distractors"] = distractors
    return question


def _truefalse(answer_text: str, general: str) -> dict:
    bits = answer_text.split("#", 2)
    truth = bits[0].strip() in ("T", "TRUE")
    feedback = [_plain(bit) for bit in bits[1:] if _plain(bit)]
    if general.startswith(CORRECTION_PREFIX):
        # Written by export_gift: a 判断并改错 question whose correction Moodle shows as feedback.
        head, _, rest = general.partition("\n")
        corrections = [c.strip() for c in head[len(CORRECTION_PREFIX) :].split("；") if c.strip()]
        question: dict = {"type": "judge", "answer": truth, "_feedback": [rest.strip()] if rest.strip() else feedback[::-1]}
        if corrections:
            question["correction"] = corrections if len(corrections) > 1 else corrections[0]
        return question
    # The first # feedback is shown for a wrong response, the second for a right one.
    return {"type": "truefalse", "answer": truth, "_feedback": feedback[::-1]}


def _shortanswer(answer_text: str, hint: dict, where: str, result: ImportResult) -> dict | None:
    parts = answer_text.split("=")
    if parts and not parts[0].strip():
        parts = parts[1:]
    accepted: list[str] = []
    rejected: list[str] = []
    feedback: list[str] = []
    for part in parts:
        weight, part = _weight(part.strip())
        text, note = _comment(part)
        if not text:
            continue
        if weight is None or weight >= 1:
            accepted.append(text)
        elif weight <= 0:
            rejected.append(text)
        else:
            result.problem(where, f"部分得分的答案“{text}”（{weight * 100:g}%）没有导入：填空题的答案要么对要么错", "warning")
        if note:
            feedback.append(f"{text}：{note}")
    if not accepted:
        result.problem(where, "没有满分答案")
        return None
    blanks = hint.get("blanks")
    if isinstance(blanks, list) and blanks and all(isinstance(b, list) and b and all(isinstance(f, str) for f in b) for b in blanks):
        question: dict = {"type": "fill", "answer": blanks}
    else:
        question = {"type": "fill", "answer": [accepted] if len(accepted) > 1 else accepted[0]}
    if rejected:
        question["reject"] = rejected
    question["_feedback"] = feedback
    return question


def _numerical(answer_text: str, where: str, result: ImportResult) -> dict | None:
    wrong = answer_text.find("~")
    feedback: list[str] = []
    if wrong != -1:
        note = _comment(answer_text[wrong + 1 :])[1]
        if note:
            feedback.append(note)
        answer_text = answer_text[:wrong]
    parts = answer_text.split("=")
    if parts and not parts[0].strip():
        parts = parts[1:]
    chosen: tuple[float, float] | None = None
    for part in parts:
        weight, part = _weight(part.strip())
        text, note = _comment(part)
        try:
            if ".." in text[1:]:
                low, high = (float(x) for x in text.split("..", 1))
                value, tolerance = (low + high) / 2, abs(high - low) / 2
            elif ":" in text[1:]:
                value_text, tolerance_text = text.split(":", 1)
                value, tolerance = float(value_text), abs(float(tolerance_text))
            else:
                value, tolerance = float(text), 0.0
            value, tolerance = float(f"{value:.12g}"), float(f"{tolerance:.12g}")
        except ValueError:
            result.problem(where, f"数值答案“{text}”不是数字")
            return None
        if weight is None or weight >= 1:
            if chosen is None:
                chosen = (value, tolerance)
                if note:
                    feedback.insert(0, note)
            continue
        result.problem(where, f"部分得分的数值答案“{text}”（{weight * 100:g}%）没有导入", "warning")
    if chosen is None:
        result.problem(where, "计算题没有满分答案")
        return None
    question: dict = {"type": "numeric", "answer": chosen[0], "_feedback": feedback}
    if chosen[1]:
        question["tolerance"] = chosen[1]
    return question


def _essay(general: str, hint: dict, where: str, result: ImportResult) -> dict | None:
    qtype = str(hint["type"]) if hint.get("type") in ("short", "essay") else "essay"
    built = free_text_question(qtype, general)
    if built is None:
        result.problem(where, "论述题没有参考答案（GIFT 的 #### 总体反馈），无法给出评分要点")
        return None
    points = hint.get("keypoints")
    if isinstance(points, list) and points:
        built["keypoints"] = points
    else:
        result.problem(where, "评分要点是从参考答案按句拆出的，请检查", "warning")
    if hint.get("kind"):
        built["kind"] = hint["kind"]
    return built


# -- writing -------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text with GIFT's control characters escaped, as Moodle's repchar writes it."""
    for char, escaped in (("\\", "\\\\"), ("#", "\\#"), ("=", "\\="), ("~", "\\~"), ("{", "\\{"), ("}", "\\}"), (":", "\\:")):
        text = text.replace(char, escaped)
    return text.replace("\r", "").replace("\n", "\\n")


def _explanation(question: Question, bank: Bank) -> str:
    parts = [question.explanation or ""]
    source = bank.sources.get(question.source or "")
    if source:
        parts.append("出处：" + source.cite(question.ref))
    return "\n".join(part for part in parts if part)


def export_gift(bank: Bank, questions: list[Question]) -> tuple[str, list[str]]:
    """GIFT text for the questions, and warnings for what GIFT cannot carry."""
    out: list[str] = []
    warnings: list[str] = []
    chapter = None
    for question in questions:
        if question.chapter != chapter:
            chapter = question.chapter
            out.append(f"$CATEGORY: $course$/top/{escape(chapter)}\n")
        block = _gift_question(question, bank, warnings)
        if block:
            out.append(block)
    return "\n".join(out), warnings


def _gift_question(question: Question, bank: Bank, warnings: list[str]) -> str | None:
    head = f"::{escape(question.id)}::{escape(question.prompt)}"
    tail = ""
    general = _explanation(question, bank)
    hint: dict = {}
    if isinstance(question, (ChoiceQuestion, MultiQuestion)):
        lines = []
        right = {question.answer} if isinstance(question, ChoiceQuestion) else set(question.answer)
        weight = 100 / len(right)
        for index, option in enumerate(question.options):
            if isinstance(question, ChoiceQuestion):
                mark = "=" if index in right else "~"
            else:
                mark = f"~%{weight:.5g}%" if index in right else "~%-100%"
            lines.append(f"\t{mark}{escape(option)}")
        body = "{\n" + "\n".join(lines) + "\n"
    elif isinstance(question, TrueFalseQuestion):
        body = "{" + ("TRUE" if question.answer else "FALSE")
    elif isinstance(question, JudgeQuestion):
        warnings.append(f"{question.id}: GIFT 没有判断并改错题，写成判断题，改正写在总体反馈里")
        body = "{" + ("TRUE" if question.answer else "FALSE")
        general = CORRECTION_PREFIX + "；".join(question.corrections) + ("\n" + general if general else "")
    elif isinstance(question, FillQuestion):
        if len(question.blanks) > 1:
            warnings.append(f"{question.id}: GIFT 只有一个空；{len(question.blanks)} 个空合成一个答案，原样保存在注释里")
            hint["blanks"] = [list(blank) for blank in question.blanks]
            answers = ["、".join(blank[0] for blank in question.blanks)]
        else:
            answers = list(question.blanks[0])
        body = "{\n" + "\n".join(f"\t={escape(answer)}" for answer in answers)
        body += "".join(f"\n\t=%0%{escape(reject)}" for reject in question.reject) + "\n"
        pieces = BLANK_RE.split(question.prompt)
        if len(pieces) == 2 and pieces[1].strip():
            # One blank in mid-text: Moodle's missing-word form, the answers where the blank stands.
            head = f"::{escape(question.id)}::{escape(pieces[0])}"
            tail = escape(pieces[1])
    elif isinstance(question, NumericQuestion):
        if question.params:
            warnings.append(f"{question.id}: GIFT 不能随机出数，按参数取中间值写成固定数值题")
            values = {p.name: float(p.choices()[len(p.choices()) // 2]) for p in question.params}
            head = f"::{escape(question.id)}::{escape(question.render_prompt(values))}"
            value = question.expected(values)
        else:
            value = question.expected()
        tolerance = (
            abs(question.expected({p.name: float(p.choices()[len(p.choices()) // 2]) for p in question.params}) * question.tolerance.amount)
            if question.tolerance.relative
            else question.tolerance.amount
        )
        if question.tolerance.relative:
            warnings.append(f"{question.id}: 相对误差写成了绝对误差")
        if question.unit:
            hint["unit"] = question.unit
        body = "{#" + format_number(value) + (f":{tolerance:g}" if tolerance > 1e-9 else "")
        if question.accept or question.accept_always:
            warnings.append(f"{question.id}: 文字答案（如“不进货”）在 GIFT 里没有对应")
    elif isinstance(question, MatchQuestion):
        body = "{\n" + "\n".join(f"\t={escape(left)} -> {escape(right)}" for left, right in question.pairs)
        body += "".join(f"\n\t=-> {escape(d)}" for d in question.distractors) + "\n"
    elif isinstance(question, ShortQuestion):
        hint = {"type": question.type, "answer": question.answer.strip(), "keypoints": [keypoint_yaml(point) for point in question.keypoints]}
        if question.kind:
            hint["kind"] = question.kind
        general = question.answer.strip() + ("\n" + general if general else "")
        body = "{"
    else:
        warnings.append(f"{question.id}: 不认识的题型，跳过")
        return None
    if general:
        body += "####" + escape(general)
    body += "}" + tail + "\n"
    comment = f"{HINT_PREFIX} {json.dumps(hint, ensure_ascii=False)}\n" if hint else ""
    return comment + head + body

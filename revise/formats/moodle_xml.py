"""Moodle XML: reading with ``defusedxml`` (no entity expansion, no DTD), and writing.

Categories become chapters. multichoice, truefalse, shortanswer, numerical,
matching, essay, cloze (fill blanks, or 判断并改错 as a 对/错 choice plus a
correction) and calculated/calculatedsimple (numeric with params) are read;
anything else is reported with its line. The writer does the reverse: a
judge question is a Cloze, a numeric question with params is
``calculatedsimple`` with its datasets, and key points of free-text
questions travel in an HTML comment of the grader information.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from revise.bank.model import (
    BLANK_RE,
    QUESTION_TYPES,
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
    FormatError,
    IdMaker,
    ImportResult,
    blank_prompt,
    choice_question,
    clean,
    free_text_question,
    keypoint_yaml,
    options_problem,
    parse_truth,
    split_source,
)
from revise.formats.textfile import decode, read_bytes

HINT_RE = re.compile(r"<!--\s*revise:\s*(\{.*?\})\s*-->", re.S)
CLOZE_RE = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^\\}])*)\}")
JUDGE_WORDS = {"对", "错", "正确", "错误", "√", "×", "true", "false", "True", "False"}
MAX_QUESTION_ELEMENTS = 20_000


def _html_text(raw: str) -> str:
    """Plain text from Moodle's HTML: tags stripped, line breaks kept, entities decoded."""
    raw = HINT_RE.sub("", raw)
    raw = re.sub(r"<\s*(br|/p|/div|/li)\b[^>]*>", "\n", raw, flags=re.I)
    raw = re.sub(r"<[^>]*>", "", raw)
    lines = [" ".join(line.split()) for line in html.unescape(raw).split("\n")]
    return clean("\n".join(line for line in lines if line))


def _text(element: ET.Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    node = element.find(path)
    return _html_text(node.text or "") if node is not None else ""


def _raw(element: ET.Element | None, path: str = "text") -> str:
    node = element.find(path) if element is not None else None
    return (node.text or "") if node is not None else ""


def _fraction(answer: ET.Element) -> float:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError:
        return 0.0


def parse_xml(data: bytes, where: str) -> ET.Element:
    """The document's root, parsed by defusedxml; entity definitions, DTDs and external references are refused."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FormatError(f"{where}:1: XML 里有 DTD 或实体定义（可能是“实体炸弹”），拒绝读取") from None
    except ET.ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else 1
        raise FormatError(f"{where}:{line}: XML 格式错误：{error}") from None


def read_moodle_xml(path: Path, result: ImportResult | None = None, *, chapter: str | None = None) -> ImportResult:
    """Every question of a Moodle XML file; what cannot be converted is reported as `file:line`."""
    result = result or ImportResult()
    data = read_bytes(path)
    root = parse_xml(data, str(path))
    if root.tag != "quiz":
        raise FormatError(f"{path}:1: 不是 Moodle XML 题库（根元素应该是 <quiz>，这里是 <{root.tag}>）")
    text = decode(data, str(path))
    lines = [text.count("\n", 0, match.start()) + 1 for match in re.finditer(r"<question\b", text)]
    ids = IdMaker(path.stem)
    category = chapter or path.stem
    for index, element in enumerate(root.iter("question")):
        if index >= MAX_QUESTION_ELEMENTS:
            result.problem(
                f"{path}:{lines[index] if index < len(lines) else 1}",
                f"题目数超过上限 {MAX_QUESTION_ELEMENTS}，从这一题起没有读；请把题目分成几个文件",
                limit=True,
            )
            break
        where = f"{path}:{lines[index] if index < len(lines) else 1}"
        qtype = element.get("type", "")
        if qtype == "category":
            name = _text(element.find("category")).rstrip("/").split("/")[-1].strip()
            category = chapter or name or category
            continue
        result.seen += 1
        reader = READERS.get(qtype)
        if reader is None:
            result.problem(where, f"题库里没有对应 Moodle “{qtype}” 的题型")
            continue
        prompt = _text(element.find("questiontext"))
        if not prompt and qtype != "cloze":
            result.problem(where, "题干是空的")
            continue
        question = reader(element, prompt, where, result)
        if question is None:
            continue
        explanation = _text(element.find("generalfeedback"))
        if explanation and "explanation" not in question:
            question["explanation"] = explanation
        # The writer tags each question with its chapter and type for Moodle's filters; those are not bank tags.
        tags = [tag for tag in (_text(tag) for tag in element.iterfind("tags/tag")) if tag and tag != category and tag not in QUESTION_TYPES]
        if tags:
            question["tags"] = tags
        split_source(question)
        name = _text(element.find("name"))
        result.chapter(category).questions.append({"id": ids.make(question["type"], name), **question})
    return result


def _multichoice(element: ET.Element, prompt: str, where: str, result: ImportResult) -> dict | None:
    answers = element.findall("answer")
    options = [_text(answer) for answer in answers]
    problem = options_problem(options)
    if problem:
        result.problem(where, problem)
        return None
    fractions = [_fraction(answer) for answer in answers]
    single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
    correct = [i for i, f in enumerate(fractions) if (f >= 100 if single else f > 0)]
    if not correct:
        result.problem(where, "没有正确选项")
        return None
    if single and len(correct) > 1:
        result.problem(where, "单选题有几个满分选项，取第一个", "warning")
        correct = correct[:1]
    if single and any(0 < f < 100 for f in fractions):
        result.problem(where, "部分得分的选项按错误选项处理", "warning")
    question = {"prompt": prompt, **choice_question(options, correct)}
    if (element.findtext("shuffleanswers") or "1").strip() in ("0", "false"):
        question["shuffle"] = False
    return question


def _truefalse(element: ET.Element, prompt: str, where: str, result: ImportResult) -> dict | None:
    for answer in element.findall("answer"):
        if _fraction(answer) >= 100:
            truth = parse_truth(_text(answer))
            if truth is not None:
                return {"prompt": prompt, "type": "truefalse", "answer": truth}
    result.problem(where, "判断题没有满分答案（true 或 false）")
    return None


def _shortanswer(element: ET.Element, prompt: str, where: str, result: ImportResult) -> dict | None:
    accepted, rejected = [], []
    for answer in element.findall("answer"):
        text, fraction = _text(answer), _fraction(answer)
        if not text or text == "*":
            continue
        if fraction >= 100:
            accepted.append(text)
        elif fraction <= 0:
            rejected.append(text)
        else:
            result.problem(where, f"部分得分的答案“{text}”没有导入", "warning")
    if not accepted:
        result.problem(where, "没有满分答案")
        return None
    question: dict = {"prompt": blank_prompt(prompt), "type": "fill", "answer": accepted if len(accepted) > 1 else accepted[0]}
    if len(accepted) > 1:
        question["answer"] = [accepted]
    if rejected:
        question["reject"] = rejected
    return question


def _number(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


def _numerical(element: ET.Element, prompt: str, where: str, result: ImportResult) -> dict | None:
    for answer in element.findall("answer"):
        value = _number(_text(answer))
        if _fraction(answer) >= 100 and value is not None:
            question: dict = {"prompt": prompt, "type": "numeric", "answer": value}
            tolerance = _number(element.findtext("answer/tolerance") or answer.findtext("tolerance") or "0") or 0.0
            if tolerance:
                question["tolerance"] = abs(tolerance)
            unit = (element.findtext("units/unit/unit_name") or "").strip()
            if unit:
                question["unit"] = unit
            return question
    result.problem(where, "计算题没有满分的数值答案")
    return None


def _matching(element: ET.Element, prompt: str, where: str, result: ImportResult) -> dict | None:
    pairs, distractors = [], []
    for sub in element.findall("subquestion"):
        left, right = _text(sub), _text(sub.find("answer"))
        if not right:
            continue
        if left:
            pairs.append([left, right])
        else:
            distractors.append(right)
    rights = [p[1] for p in pairs] + distractors
    if not 2 <= len(pairs) <= 10 or len({p[0] for p in pairs}) != len(pairs) or len(set(rights)) != len(rights):
        result.problem(where, f"配对题要有 2 到 10 组不重复的配对，这里有 {len(pairs)} 组")
        return None
    question: dict = {"prompt": prompt, "type": "match", "pairs": pairs}
    if distractors:
        question["distractors"] = distractors
    return question


def _essay(element: ET.Element, prompt: str, where: str, result: ImportResult) -> dict | None:
    raw = _raw(element.find("graderinfo"))
    hint_match = HINT_RE.search(raw)
    hint = {}
    if hint_match:
        try:
            hint = json.loads(hint_match.group(1))
        except ValueError:
            hint = {}
    answer = hint["answer"] if isinstance(hint.get("answer"), str) else _html_text(raw) or _text(element.find("generalfeedback"))
    qtype = str(hint["type"]) if hint.get("type") in ("short", "essay") else "essay"
    built = free_text_question(qtype, answer)
    if built is None:
        result.problem(where, "论述题没有参考答案（graderinfo），无法给出评分要点")
        return None
    if isinstance(hint.get("keypoints"), list) and hint["keypoints"]:
        built["keypoints"] = hint["keypoints"]
    else:
        result.problem(where, "评分要点是从参考答案按句拆出的，请检查", "warning")
    if hint.get("kind"):
        built["kind"] = hint["kind"]
    return {"prompt": prompt, **built}


def _cloze_answers(body: str) -> list[tuple[float, str]]:
    """(fraction, text) of each `~`-separated answer of a Cloze sub-question."""
    answers = []
    for part in re.split(r"(?<!\\)~", body):
        part = part.split("#", 1)[0].strip()
        if not part:
            continue
        if part.startswith("="):
            fraction, text = 100.0, part[1:]
        elif part.startswith("%"):
            weight, _, text = part[1:].partition("%")
            fraction = _number(weight) or 0.0
        else:
            fraction, text = 0.0, part
        answers.append((fraction, clean(html.unescape(text.replace("\\", "")))))
    return answers


def _cloze(element: ET.Element, prompt: str, where: str, result: ImportResult) -> dict | None:
    raw = _raw(element.find("questiontext"))
    subs = [(m.group(2).upper(), _cloze_answers(m.group(3))) for m in CLOZE_RE.finditer(raw)]
    if not subs:
        result.problem(where, "Cloze 题里没有子题")
        return None
    kinds = [kind.split("_")[0] for kind, _ in subs]
    kinds = ["SHORTANSWER" if k in ("SA", "MW", "SAC", "MWC") else "MULTICHOICE" if k in ("MC", "MCV", "MCH") else k for k in kinds]
    right = [[text for fraction, text in answers if fraction >= 100] for _, answers in subs]
    if kinds[0] == "MULTICHOICE" and {text for _, text in subs[0][1]} <= JUDGE_WORDS and len(subs) <= 2 and kinds[1:] in ([], ["SHORTANSWER"]):
        truth = parse_truth(right[0][0]) if right[0] else None
        if truth is None:
            result.problem(where, "判断并改错题的“对/错”没有满分答案")
            return None
        stem = re.sub(r"\s*判断[：:]?\s*$", "", _html_text(raw[: CLOZE_RE.search(raw).start()]))  # type: ignore[union-attr]
        question: dict = {"prompt": stem, "type": "judge", "answer": truth}
        corrections = [text for text in (right[1] if len(right) > 1 else []) if text != "*"]
        if corrections:
            question["correction"] = corrections if len(corrections) > 1 else corrections[0]
        elif not truth:
            result.problem(where, "判断并改错题答案是“错”，但没有改正答案")
            return None
        return question
    if all(kind == "SHORTANSWER" for kind in kinds):
        if not all(right):
            result.problem(where, "有的空没有满分答案")
            return None
        stem = _html_text(CLOZE_RE.sub("____", raw))
        return {"prompt": stem, "type": "fill", "answer": [forms for forms in right]}
    result.problem(where, f"这种 Cloze 题（{'、'.join(kinds)}）题库里没有对应的题型")
    return None


def _calculated(element: ET.Element, prompt: str, where: str, result: ImportResult) -> dict | None:
    answer = element.find("answer")
    formula = re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", r"\1", _text(answer)) if answer is not None else ""
    params: dict[str, list[float]] = {}
    for definition in element.iterfind("dataset_definitions/dataset_definition"):
        name = _text(definition.find("name"))
        low = _number(definition.findtext("minimum/text") or "")
        high = _number(definition.findtext("maximum/text") or "")
        decimals = (definition.findtext("decimals/text") or "0").strip()
        if not name or low is None or high is None:
            result.problem(where, f"数据集“{name}”缺少最小值或最大值")
            return None
        if decimals != "0" or not low.is_integer() or not high.is_integer():
            result.problem(where, f"数据集“{name}”不是整数范围，按整数范围导入", "warning")
        params[name] = [int(low), int(high)]
    if not formula or not params:
        result.problem(where, "计算题没有公式或数据集")
        return None
    question: dict = {"prompt": prompt, "type": "numeric", "formula": formula.strip(), "params": params}
    tolerance = _number(answer.findtext("tolerance") or "0") if answer is not None else 0
    if tolerance:
        relative = (answer.findtext("tolerancetype") or "2").strip() == "1" if answer is not None else False
        question["tolerance"] = f"{tolerance * 100:g}%" if relative else abs(tolerance)
    return question


READERS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "essay": _essay,
    "cloze": _cloze,
    "multianswer": _cloze,
    "calculated": _calculated,
    "calculatedsimple": _calculated,
}


# -- writing -------------------------------------------------------------------------------


def _cdata(text: str) -> str:
    """Text as HTML inside CDATA: escaped, newlines as <br>, and no `]]>` to end the section early."""
    body = html.escape(text).replace("\n", "<br>")
    return "<![CDATA[" + body.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text_element(tag: str, text: str, fmt: str = "html", extra: str = "") -> str:
    return f'<{tag} format="{fmt}"><text>{_cdata(text) if text else ""}{extra}</text></{tag}>'


def _plain(text: str) -> str:
    return f"<text>{html.escape(text)}</text>"


def _cloze_escape(text: str) -> str:
    for char in '\\}#~/"':
        text = text.replace(char, "\\" + char)
    return html.escape(text, quote=False)


def export_moodle_xml(bank: Bank, questions: list[Question]) -> tuple[str, list[str]]:
    """Moodle XML for the questions, and warnings for what Moodle cannot carry."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    warnings: list[str] = []
    chapter = None
    for question in questions:
        if question.chapter != chapter:
            chapter = question.chapter
            out.append(f'<question type="category"><category>{_plain("$course$/top/" + chapter)}</category></question>')
        body = _xml_question(question, bank, warnings)
        if body:
            out.append(body)
    out.append("</quiz>")
    return "\n".join(out) + "\n", warnings


def _xml_question(question: Question, bank: Bank, warnings: list[str]) -> str | None:
    explanation = question.explanation or ""
    source = bank.sources.get(question.source or "")
    if source:
        explanation += ("\n" if explanation else "") + "出处：" + source.cite(question.ref)
    prompt = question.prompt
    inner: list[str] = []
    if isinstance(question, (ChoiceQuestion, MultiQuestion)):
        qtype = "multichoice"
        right = {question.answer} if isinstance(question, ChoiceQuestion) else set(question.answer)
        share = f"{100 / len(right):.5f}".rstrip("0").rstrip(".")
        for index, option in enumerate(question.options):
            fraction = (
                ("100" if isinstance(question, ChoiceQuestion) else share) if index in right else ("0" if isinstance(question, ChoiceQuestion) else "-100")
            )
            inner.append(f'<answer fraction="{fraction}" format="html"><text>{_cdata(option)}</text></answer>')
        inner.append(f"<single>{'true' if isinstance(question, ChoiceQuestion) else 'false'}</single>")
        inner.append(f"<shuffleanswers>{1 if question.shuffle else 0}</shuffleanswers><answernumbering>ABCD</answernumbering>")
    elif isinstance(question, TrueFalseQuestion):
        qtype = "truefalse"
        inner.append(f'<answer fraction="{100 if question.answer else 0}"><text>true</text></answer>')
        inner.append(f'<answer fraction="{0 if question.answer else 100}"><text>false</text></answer>')
    elif isinstance(question, JudgeQuestion):
        qtype = "cloze"
        judge = "{1:MULTICHOICE:" + ("=对~错" if question.answer else "对~=错") + "}"
        corrections = "~".join("=" + _cloze_escape(c) for c in question.corrections) or "=*"
        prompt_html = html.escape(question.prompt) + "<br>判断：" + judge + " 改正：{1:SHORTANSWER:" + corrections + "}"
        return _wrap(question, qtype, prompt_html, explanation, inner)
    elif isinstance(question, FillQuestion):
        if len(question.blanks) == 1:
            qtype = "shortanswer"
            inner += [f'<answer fraction="100" format="moodle_auto_format"><text>{_cdata(form)}</text></answer>' for form in question.blanks[0]]
            inner += [f'<answer fraction="0" format="moodle_auto_format"><text>{_cdata(form)}</text></answer>' for form in question.reject]
            inner.append("<usecase>0</usecase>")
        else:
            qtype = "cloze"
            pieces = BLANK_RE.split(question.prompt)
            parts = [html.escape(pieces[0])]
            for blank, piece in zip(question.blanks, pieces[1:]):
                parts.append("{1:SHORTANSWER:" + "~".join("=" + _cloze_escape(form) for form in blank) + "}" + html.escape(piece))
            if question.any_order:
                warnings.append(f"{question.id}: Moodle 的 Cloze 要求按顺序填空，“顺序不限”丢失")
            return _wrap(question, qtype, "".join(parts), explanation, inner)
    elif isinstance(question, NumericQuestion):
        tolerance = question.tolerance
        if question.accept or question.accept_always:
            warnings.append(f"{question.id}: 文字答案（如“不进货”）在 Moodle 里没有对应")
        if question.params and question.formula is not None:
            qtype = "calculatedsimple"
            formula = re.sub(r"\b([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*\()", r"{\1}", question.formula.text)
            kind = "1" if tolerance.relative else "2"
            inner.append(
                f'<answer fraction="100"><text>{html.escape(formula)}</text><tolerance>{tolerance.amount:g}</tolerance><tolerancetype>{kind}</tolerancetype><correctanswerformat>1</correctanswerformat><correctanswerlength>2</correctanswerlength></answer>'
            )
            inner.append("<dataset_definitions>")
            for param in question.params:
                if param.values:
                    warnings.append(f"{question.id}: 参数“{param.name}”是取值列表，Moodle 只认范围，写成最小到最大")
                low, high = (min(param.choices()), max(param.choices()))
                inner.append(
                    f"<dataset_definition><status><text>private</text></status><name><text>{param.name}</text></name><type>calculatedsimple</type>"
                    f"<distribution><text>uniform</text></distribution><minimum><text>{format_number(low)}</text></minimum>"
                    f"<maximum><text>{format_number(high)}</text></maximum><decimals><text>0</text></decimals><itemcount>0</itemcount></dataset_definition>"
                )
            inner.append("</dataset_definitions>")
        else:
            qtype = "numerical"
            value = question.expected()
            amount = abs(value) * tolerance.amount if tolerance.relative else tolerance.amount
            inner.append(f'<answer fraction="100"><text>{format_number(value)}</text><tolerance>{amount:g}</tolerance></answer>')
            if question.unit:
                inner.append(f"<units><unit><multiplier>1</multiplier><unit_name>{html.escape(question.unit)}</unit_name></unit></units>")
    elif isinstance(question, MatchQuestion):
        qtype = "matching"
        for left, partner in question.pairs:
            inner.append(f'<subquestion format="html"><text>{_cdata(left)}</text><answer><text>{html.escape(partner)}</text></answer></subquestion>')
        for distractor in question.distractors:
            inner.append(f'<subquestion format="html"><text></text><answer><text>{html.escape(distractor)}</text></answer></subquestion>')
        inner.append("<shuffleanswers>true</shuffleanswers>")
    elif isinstance(question, ShortQuestion):
        qtype = "essay"
        hint = {"type": question.type, "answer": question.answer.strip(), "keypoints": [keypoint_yaml(point) for point in question.keypoints]}
        if question.kind:
            hint["kind"] = question.kind
        points = "".join(f"<li>{html.escape(point.label)}</li>" for point in question.keypoints)
        grader = html.escape(question.answer.strip()).replace("\n", "<br>") + f"<p>评分要点：</p><ul>{points}</ul>"
        comment = "<!-- revise: " + json.dumps(hint, ensure_ascii=False).replace("--", "\\u002d\\u002d") + " -->"
        inner.append(f'<graderinfo format="html"><text><![CDATA[{grader}{comment}]]></text></graderinfo>')
        inner.append("<responseformat>editor</responseformat><responserequired>1</responserequired><responsefieldlines>15</responsefieldlines>")
    else:
        warnings.append(f"{question.id}: 不认识的题型，跳过")
        return None
    return _wrap(question, qtype, html.escape(prompt).replace("\n", "<br>"), explanation, inner)


def _wrap(question: Question, qtype: str, prompt_html: str, explanation: str, inner: list[str]) -> str:
    tags = "".join(f"<tag>{_plain(tag)}</tag>" for tag in (*question.tags, question.chapter, question.type))
    return (
        f'<question type="{qtype}"><name>{_plain(question.id)}</name>'
        f'<questiontext format="html"><text><![CDATA[{prompt_html.replace("]]>", "]]]]><![CDATA[>")}]]></text></questiontext>'
        f"{_text_element('generalfeedback', explanation)}<defaultgrade>1</defaultgrade>" + "".join(inner) + f"<tags>{tags}</tags></question>"
    )

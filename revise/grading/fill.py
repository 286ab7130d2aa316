"""填空: one blank, or a list of blanks in order or in any order."""

from __future__ import annotations

from revise.bank.model import BLANK_RE, FillQuestion, format_number
from revise.grading import phrasing
from revise.grading import textnorm as tn
from revise.grading.numeric import number_gap
from revise.grading.result import Result, correct, echo, notes_text, scored, wrong
from revise.grading.terms import Context, Recognizer, TermMatch, exact_match, match_term

# Items of a typed list beyond this many are counted, not matched.
MAX_LIST_ITEMS = 60
# What an answer form sends for a blank left empty among filled ones ("（空）").
EMPTY_BLANK_MARKS = frozenset({"空", "空白"})


def grade_fill(question: FillQuestion, response: str, expected: str, context: Context, given_blanks: tuple[str, ...] | None = None) -> Result:
    """Grade typed text, or the blanks of an answer form one by one (`given_blanks`, never re-split)."""
    blanks = [context.expand(blank) for blank in question.blanks if blank]
    if not blanks:
        return wrong(expected)
    if given_blanks is not None:
        filled = [blank for blank in given_blanks if not tn.is_blank(blank)]
        if len(blanks) == 1:
            if len(filled) > 1:
                return wrong(expected, f"只能填一个答案，却写了 {len(filled)} 个")
            return _grade_single_blank(blanks[0], filled[0] if filled else "", expected, context, question.prompt)
        items = [blank.strip() if not tn.is_blank(blank) else "空" for blank in given_blanks]
        return _grade_list(question, blanks, "、".join(items), expected, context, items)
    if len(blanks) == 1:
        return _grade_single_blank(blanks[0], response, expected, context, question.prompt)
    return _grade_list(question, blanks, response, expected, context)


def _grade_single_blank(forms: tuple[str, ...], response: str, expected: str, context: Context, prompt: str = "") -> Result:
    if tn.is_blank(response):
        return Result("incorrect", 0.0, expected, "未作答")
    match = match_term(response, forms, context)
    if match.accepted:
        return correct(expected, match.notes)
    numeric = _numeric_blank(forms, response, expected)
    if numeric is not None:
        return numeric
    # How students write: 答：…, 应该是…, a gloss in brackets, the prompt's own 要素 typed again.
    for reading, note in phrasing.variants(response, prompt, 0):
        reading_match = match_term(reading, forms, context)
        if reading_match.accepted:
            return correct(expected, [note, *reading_match.notes])
        numeric = _numeric_blank(forms, reading, expected, note)
        if numeric is not None:
            return numeric
    # "答：促销" or "4C：沟通": a label before the answer.
    unlabelled = tn.strip_label(response)
    if unlabelled != tn.nfkc(response):
        labelled_match = match_term(unlabelled, forms, context)
        if labelled_match.accepted:
            return correct(expected, labelled_match.notes)
    items = tn.split_items(response, Recognizer([forms]))
    if len(items) > 1:
        matches = [match_term(item, forms, context) for item in items[:MAX_LIST_ITEMS]]
        if len(items) <= MAX_LIST_ITEMS and all(m.accepted for m in matches):
            return correct(expected, [note for m in matches for note in m.notes])
        if any(m.accepted for m in matches):
            return wrong(expected, f"只能填一个答案，却写了 {len(items)} 个")
    return wrong(expected, match.reason)


def _numeric_blank(forms: tuple[str, ...], typed: str, expected: str, note: str = "") -> Result | None:
    """A blank whose key is a number, answered with a number in any written form (二成, 百分之二十, 3/4)."""
    keys = [value for form in forms if (value := phrasing.number_value(form)) is not None]
    if not keys:
        return None
    value = phrasing.number_value(typed)
    if value is None:
        return None
    if any(phrasing.same_number(value, key) for key in keys):
        return correct(expected, [note, f"「{echo(typed)}」即 {forms[0]}"] if tn.compact(typed) != tn.compact(forms[0]) else [note])
    # Digits are never a slip: 25 for 2.5 is a different number, whatever the edit distance.
    return wrong(expected, f"数字不对：写的是 {format_number(value)}，应为 {forms[0]}{number_gap(value, keys[0])}", show_expected=False)


def _grade_list(
    question: FillQuestion, blanks: list[tuple[str, ...]], response: str, expected: str, context: Context, given_items: list[str] | None = None
) -> Result:
    recognise = Recognizer(blanks)
    if given_items is not None:
        items = given_items
    else:
        if phrasing.ARROWS_RE.search(tn.nfkc(response)) or phrasing.LIST_LEAD_RE.match(tn.nfkc(response)):
            response = phrasing.split_arrows(response)  # 考察期→形成期→…, 依次为…
        items = tn.split_items(response, recognise)
        if len(items) < len(blanks):
            items = _split_run_together(items, blanks)
    items = [_reading(item, number, recognise, question.prompt) for number, item in enumerate(items)]
    considered = items[:MAX_LIST_ITEMS]
    all_skeletons = {tn.prepare(form).skeleton for blank in blanks for form in blank}
    assignment: dict[int, int] = {}  # item -> blank
    notes: list[str] = []
    item_matches: dict[tuple[int, int], TermMatch] = {}
    if question.any_order:
        pairs = []
        # Exact items first: when every item is exact the bank's index is never needed.
        exact = {(i, j): m for i, item in enumerate(considered) for j, forms in enumerate(blanks) if (m := exact_match(item, forms))}
        exact_items = {i for i, _j in exact}
        for i, item in enumerate(considered):
            for j, forms in enumerate(blanks):
                if i in exact_items:
                    match = exact.get((i, j)) or TermMatch(False)
                else:
                    match = match_term(item, forms, context, exclude=all_skeletons, explain=False)
                    if not match.accepted and _numeric_item(item, forms, question.prompt, j):
                        match = TermMatch(True, 0.02, 0)
                item_matches[i, j] = match
                if match.accepted:
                    pairs.append((match.cost, abs(i - j), i, j))
        taken: set[int] = set()
        for _cost, _distance, i, j in sorted(pairs):
            if i not in assignment and j not in taken:
                assignment[i] = j
                taken.add(j)
        if assignment and any(i != j for i, j in assignment.items()):
            notes.append("顺序不限")
    else:
        for i, item in enumerate(considered[: len(blanks)]):
            match = match_term(item, blanks[i], context)
            if not match.accepted and _numeric_item(item, blanks[i], question.prompt, i):
                match = TermMatch(True, 0.02, 0)
            item_matches[i, i] = match
            if match.accepted:
                assignment[i] = i
    for i, j in sorted(assignment.items()):
        # The expected answer already shows the canonical terms.
        notes.extend(note for note in item_matches[i, j].notes if not note.startswith("标准说法"))
    matched = len(assignment)
    total = max(len(blanks), len(items))
    if matched == len(blanks) and len(items) == len(blanks):
        return correct(expected, notes)
    problems: list[str] = []
    wrong_items = [i for i in range(len(items)) if i not in assignment]
    misplaced: list[str] = []
    typed_elsewhere: set[int] = set()  # blanks whose answer was typed in the wrong place
    for i in wrong_items[:6]:
        if i >= len(considered):
            break
        if tn.prepare(considered[i]).skeleton in EMPTY_BLANK_MARKS:
            continue  # a blank left empty in the form: it shows up under 少了
        duplicate_of = (
            next((j for j in _filled_blanks(assignment) if item_matches.get((i, j)) and item_matches[i, j].accepted), None) if question.any_order else None
        )
        if duplicate_of is not None:
            problems.append(f"「{echo(considered[i])}」重复了")
            continue
        if not question.any_order and i < len(blanks):
            # An ordered list: is this the answer of another position?
            other = next((j for j, forms in enumerate(blanks) if j != i and match_term(considered[i], forms, context, distractors=False).accepted), None)
            if other is not None:
                misplaced.append(f"「{echo(considered[i])}」应是第{other + 1}项")
                typed_elsewhere.add(other)
                continue
        if question.any_order:
            reason = _item_reason(considered[i], blanks, context, all_skeletons)
        else:
            reason = item_matches[i, i].reason if (i, i) in item_matches else _item_reason(considered[i], blanks, context, set())
        problems.append(reason or f"「{echo(considered[i])}」不对")
    if misplaced:
        problems.insert(0, "顺序不对：" + "，".join(misplaced))
    filled = set(assignment.values())
    missing = [blanks[j][0] for j in range(len(blanks)) if j not in filled and j not in typed_elsewhere]
    if missing:
        problems.append("少了：" + "、".join(missing))
    if len(items) > len(blanks) and matched == len(blanks):
        problems.append(f"多写了 {len(items) - len(blanks)} 项")
    feedback = "；".join(dict.fromkeys(problems))
    if notes and matched:
        feedback += f"（{notes_text(notes)}）"
    return scored(matched / total, expected, feedback)


def _reading(item: str, number: int, recognise: Recognizer, prompt: str) -> str:
    """The item as meant: without a gloss, a lead-in or the prompt's own words, when that makes it a key item."""
    if recognise(item) or len(item) > 200:
        return item
    for reading, _note in phrasing.variants(item, prompt, number):
        if recognise(reading):
            return reading
    return item


def _numeric_item(item: str, forms: tuple[str, ...], prompt: str, number: int) -> bool:
    """True when an item of a list is the number a blank wants, in any written form (八十, 80%, 百分之八十).

    A percent answers a blank the prompt follows with % (____%的销售业绩) by its hundredfold value.
    """
    keys = [value for form in forms if (value := phrasing.number_value(form)) is not None]
    if not keys:
        return False
    parts = BLANK_RE.split(prompt)
    after = tn.nfkc(parts[number + 1]).lstrip() if number + 1 < len(parts) else ""
    for reading in [item] + [text for text, _note in phrasing.variants(item, prompt, number)]:
        value = phrasing.number_value(reading)
        if value is None:
            continue
        values = [value]
        if after.startswith("%") and ("%" in tn.nfkc(reading) or "百分之" in reading):
            values.append(value * 100)
        if any(phrasing.same_number(v, key) for v in values for key in keys):
            return True
    return False


def _filled_blanks(assignment: dict[int, int]) -> list[int]:
    """The blanks already filled by some typed item."""
    return sorted(set(assignment.values()))


def _item_reason(item: str, blanks: list[tuple[str, ...]], context: Context, exclude: set[str]) -> str:
    """The most specific reason an item of a list was refused."""
    reasons = [reason for forms in blanks if (reason := match_term(item, forms, context, exclude=exclude).reason)]
    # A known-term explanation ("属于「4C营销理论」") beats a bare "不完整".
    for reason in reasons:
        if "属于" in reason or "另一项" in reason or "另一个" in reason or "不是本题" in reason:
            return reason
    if reasons:
        return reasons[0]
    return context.describe(item, tn.prepare(item).skeleton)


def _split_run_together(items: list[str], blanks: list[tuple[str, ...]]) -> list[str]:
    """Split items typed without separators ("产品价格渠道促销") where they are exactly key forms in a row."""
    forms = sorted({tn.prepare(form).skeleton for blank in blanks for form in blank if tn.prepare(form).skeleton}, key=len, reverse=True)
    result: list[str] = []
    for item in items:
        skeleton = tn.prepare(item).skeleton
        pieces: list[str] = []
        position = 0
        while position < len(skeleton):
            form = next((f for f in forms if skeleton.startswith(f, position)), None)
            if form is None:
                break
            pieces.append(form)
            position += len(form)
        result.extend(pieces if position == len(skeleton) and len(pieces) > 1 else [item])
    return result

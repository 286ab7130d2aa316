"""简答 and 论述: key points found in the student's own words, where they belong.

The answer is read as sentences and clauses. A key point counts only:

* where it is not negated (不、没有、无需、并非、未必… before it in its clause),
  unless the key point is itself negative (满意不一定忠诚);
* for a key point that belongs to a term (``term`` + ``says``), in the stretch
  of the sentence around that term and before any other listed term: content
  attached to another term is a swap and earns nothing;
* through the bank's synonyms and member ``accept`` forms, pinyin slips, and,
  for longer phrases, most of their content words (character bigrams) in one
  sentence.

An answer that only names the terms where the question asks for explanation
earns partial credit at most. Every verdict here is automatic (自动评分) and
says which span of the student's text matched each key point.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from revise.bank.model import KeyPoint, ShortQuestion
from revise.grading import textnorm as tn
from revise.grading.edits import allowance, analyse
from revise.grading.lexicon import Lexicon
from revise.grading.reading import MAX_READ_CHARS, Reading, read
from revise.grading.result import KeypointSpan, Result, notes_text
from revise.grading.terms import Context

MAX_LISTED_KEYPOINTS = 8
# A term named without what it means earns this share of its point: a fair teacher gives
# something for knowing the names, never the marks for explaining them.
NAMED_SHARE = 0.3
MIN_NAMED_CHARS = 3
# Questions that ask for explanation: naming the terms is not enough.
EXPLAIN_RE = re.compile(r"简述|论述|说明|阐述|解释|分析|谈谈|试述|为什么|如何|怎样|举例")
# Words that negate what follows in their clause.
NEGATORS_RE = re.compile(r"不需要|不必|不用|不是|不会|不能|不要|不应|没有|没|无需|无须|并非|未必|不一定|并不|绝不|从不|不|无|非|未")
# ...but not these, which only look like negations (识别 and 不同 negate nothing; 无差异营销 is a term).
NOT_NEGATIONS_RE = re.compile(
    r"不足|不仅|不但|不断|不光|不单|不管|无论|不论|非常|无不|不久|未来|无形|非物质|不同|不少|不可或缺|不懈|不停|无限|无微不至|无差异|非凡"
)
# A contrast ends the reach of a negation: 不是A，而是B.
CONTRAST_RE = re.compile(r"而是|但是|却|而|但|只是")
# Share of a long phrase's character bigrams that must stand in one sentence to count as a paraphrase.
PARAPHRASE_SHARE = 0.75
PARAPHRASE_MIN_BIGRAMS = 5


def needle(form: str, lexicon: Lexicon) -> str:
    """A key phrase in the form it is searched for."""
    return lexicon.canonical(tn.prepare(form).skeleton)


def is_negative(phrase: str) -> bool:
    """True when a key phrase itself negates (满意不一定忠诚, 不可感知性)."""
    return bool(NEGATORS_RE.search(NOT_NEGATIONS_RE.sub("", phrase)))


def negated(reading: Reading, start: int) -> bool:
    """True when a negation in the same clause, before `start` and after any contrast, reaches the phrase there."""
    clause_start = reading.clause_start(start) if start < len(reading.text) else start
    before = reading.text[clause_start:start]
    contrasts = list(CONTRAST_RE.finditer(before))
    if contrasts:
        before = before[contrasts[-1].end() :]
    return bool(NEGATORS_RE.search(NOT_NEGATIONS_RE.sub("  ", before)))


def within_clause(reading: Reading, start: int, end: int) -> bool:
    """True when text[start:end] does not run across punctuation (依恋、低 is not 依恋低; b，a is not b/a)."""
    return end <= start or reading.clause[start] == reading.clause[end - 1]


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    how: str = ""  # what was forgiven


def locate(phrase: str, reading: Reading, lo: int = 0, hi: int | None = None, *, check_negation: bool = True) -> list[Found]:
    """Occurrences of a phrase in reading.text[lo:hi], not negated unless the phrase is negative itself."""
    hi = len(reading.text) if hi is None else hi
    if not phrase or hi - lo <= 0:
        return []
    negative = is_negative(phrase)
    found: list[Found] = []
    position = reading.text.find(phrase, lo, hi)
    while position >= 0:
        if within_clause(reading, position, position + len(phrase)) and (negative or not check_negation or not negated(reading, position)):
            found.append(Found(position, position + len(phrase)))
        position = reading.text.find(phrase, position + 1, hi)
    if found:
        return found
    weight = tn.text_weight(phrase)
    if weight < 3:
        return []
    window = reading.text[lo:hi]
    total = allowance(weight)[2] + max(1, weight // 4)
    cutoff = max(100 * (1 - total / len(phrase)) - 1, 40)
    alignment = fuzz.partial_ratio_alignment(phrase, window, score_cutoff=cutoff)
    if alignment is None:
        return []
    start, end = (alignment.dest_start, alignment.dest_end) if len(phrase) <= len(window) else (alignment.src_start, alignment.src_end)
    best: tuple[float, int, int, str] | None = None
    for left in range(max(0, start - 2), min(len(window), start + 3)):
        for right in range(max(left + 1, end - 2), min(len(window), end + 2) + 1):
            if not within_clause(reading, lo + left, lo + right):
                continue
            edits = analyse(phrase, window[left:right])
            if edits.blocker:
                continue
            inserted = sum(1 for key_part, _ in edits.typos if not key_part)
            typos, homophones, total_allowed = allowance(weight)
            if (
                len(edits.typos) - inserted <= typos
                and inserted <= max(1, weight // 4)
                and len(edits.homophones) <= homophones
                and edits.count - inserted <= total_allowed
            ):
                how = "；".join(f"同音字 {k}→{t}" for k, t in edits.homophones)
                if best is None or edits.cost < best[0]:
                    best = (edits.cost, lo + left, lo + right, how)
    if best is None:
        return []
    if not negative and check_negation and negated(reading, best[1]):
        return []
    return [Found(best[1], best[2], best[3])]


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _clause_bigrams(reading: Reading, start: int, end: int) -> dict[str, int]:
    """The character bigrams of text[start:end] that do not run across punctuation, with their first position."""
    grams: dict[str, int] = {}
    text, clause = reading.text, reading.clause
    for i in range(start, end - 1):
        if clause[i] == clause[i + 1]:
            grams.setdefault(text[i : i + 2], i - start)
    return grams


def _in_order(wanted: str, have: set[str], positions: dict[str, int]) -> int:
    """How many of the shared bigrams stand in the phrase's order (longest increasing run of positions)."""
    seen: set[str] = set()
    sequence: list[int] = []
    for i in range(len(wanted) - 1):
        gram = wanted[i : i + 2]
        if gram in have and gram not in seen:
            seen.add(gram)
            sequence.append(positions[gram])
    tails: list[int] = []
    for value in sequence:
        index = bisect.bisect_left(tails, value)
        if index == len(tails):
            tails.append(value)
        else:
            tails[index] = value
    return len(tails)


def paraphrased(phrase: str, reading: Reading, lo: int = 0, hi: int | None = None) -> Found | None:
    """Most of a long phrase's content in one sentence of the window, in other words, in the same order.

    Order matters: 保持是关怀的重要内容 shares most bigrams with 关怀是保持的重要内容
    and says the opposite.
    """
    wanted = _bigrams(phrase)
    if len(wanted) < PARAPHRASE_MIN_BIGRAMS:
        return None
    hi = len(reading.text) if hi is None else hi
    position = lo
    while position < hi:
        start, end = reading.sentence_bounds(position)
        start, end = max(start, lo), min(end, hi)
        sentence = reading.text[start:end]
        positions = _clause_bigrams(reading, start, end)
        have = wanted & positions.keys()
        if (
            len(have) >= PARAPHRASE_SHARE * len(wanted)
            and _in_order(phrase, have, positions) >= PARAPHRASE_SHARE * len(wanted)
            and (is_negative(phrase) or not negated(reading, start + positions[min(have, key=positions.__getitem__)]))
        ):
            spots = [positions[gram] for gram in have]
            first, last = min(spots), max(spots) + 2
            if last - first <= 2 * len(phrase) and is_negative(phrase) == is_negative(sentence[first:last]):
                return Found(start + first, start + last, "换了说法")
        position = max(end, position + 1)
    return None


# -- scoring -----------------------------------------------------------------------------------


@dataclass
class PointOutcome:
    found: bool
    spans: list[tuple[int, int]]
    notes: list[str]
    swapped: bool = False
    by_name: bool = False  # found only by naming a term
    unnamed: bool = False  # the content said in a sentence that names no term
    named: bool = False  # not found, but its term is named (not denied): worth NAMED_SHARE of a point


def _forms(forms: tuple[str, ...], context: Context | None) -> list[str]:
    expanded = context.expand_everywhere(forms) if context is not None else forms
    return list(dict.fromkeys(expanded))


def _find_phrase(forms: list[str], reading: Reading, lexicon: Lexicon, lo: int = 0, hi: int | None = None, *, check_negation: bool = True) -> Found | None:
    for form in forms:
        occurrences = locate(needle(form, lexicon), reading, lo, hi, check_negation=check_negation)
        if occurrences:
            return occurrences[0]
    for form in forms:
        found = paraphrased(needle(form, lexicon), reading, lo, hi)
        if found is not None:
            return found
    return None


# Beyond this many sentences, only sentences with a word-for-word match are searched (bounded time).
MAX_SENTENCES_SEARCHED = 200


def _candidate_sentences(forms: list[str], reading: Reading, lexicon: Lexicon) -> list[tuple[int, int]]:
    """Sentence bounds to search for a point: those where a form stands word for word, then the others."""
    exact: list[tuple[int, int]] = []
    for form in forms:
        for found in locate(needle(form, lexicon), reading):
            bounds = reading.sentence_bounds(found.start)
            if bounds not in exact:
                exact.append(bounds)
    exact.sort()
    if not reading.text:
        return exact
    every: list[tuple[int, int]] = []
    position = 0
    while position < len(reading.text) and len(every) < MAX_SENTENCES_SEARCHED:
        bounds = reading.sentence_bounds(position)
        every.append(bounds)
        position = bounds[1]
    return exact + [bounds for bounds in every if bounds not in exact]


def _term_occurrences(forms: list[str], reading: Reading, lexicon: Lexicon) -> list[Found]:
    """Where a term is named; 客户的价值 does not name 客户价值 (a 的 the term does not have)."""
    found: list[Found] = []
    for form in forms:
        for occurrence in locate(needle(form, lexicon), reading, check_negation=False):
            start, end = reading.raw_span(occurrence.start, occurrence.end)
            if "的" in reading.raw[start:end] and "的" not in form:
                continue
            found.append(occurrence)
    return sorted(found, key=lambda f: f.start)


# Joining two content words into a relation: 产品对应顾客, 从产品为中心转向客户为中心.
RELATION_RE = re.compile(r"对应|→|->|转向|转为|转变|变为|变成|变回|转化为|从.+?(?:到|向)")
# ...of which these have a direction: 从A转向B is not 从B转向A.
# (到/向 only straight after the first group, as in 从A到B: 资源集中投向有价值的客户 has no direction.)
DIRECTION_RE = re.compile(r"→|->|转向|转为|转变|变为|变成|变回|转化为|^(?:到|向)")
# What may stand between two terms that a student equates: 「MA是销售自动化」.
_COPULA_RE = re.compile(r"(?:就是|即是|也就是|是指|指的是|指|是|为|即|=|叫做|叫|称为)?")


def _contained(inner: Found, outer: Found) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end and (outer.end - outer.start) > (inner.end - inner.start)


def _equated(reading: Reading, first: Found, second: Found) -> bool:
    """True when one term is said to be the other: 「SFA是营销自动化」 (nothing between them but a copula)."""
    left, right = (first, second) if first.start < second.start else (second, first)
    if left.end > right.start or reading.clause[left.start] != reading.clause[right.start]:
        return False
    between = reading.text[left.end : right.start]
    if _COPULA_RE.fullmatch(between) is None:
        return False
    # Items of a list (运营型、协作型) stand side by side; they are not said to be each other.
    raw_between = reading.raw[reading.raw_span(left.start, left.end)[1] : reading.raw_span(right.start, right.end)[0]]
    return not any(char in LIST_SEPARATORS for char in raw_between)


def _windows(reading: Reading, term: Found, others: list[Found]) -> list[tuple[int, int]]:
    """Where a term's content may stand: after it up to the next other term in its sentence;
    and before it, back to the sentence's start (感情深厚的是超值忠诚) or, when another term
    comes earlier, to the start of its own clause."""
    start, end = reading.sentence_bounds(term.start)
    ahead = min((o.start for o in others if term.end <= o.start < end), default=end)
    windows = [(term.end, ahead)]
    behind = max((o.end for o in others if start <= o.start and o.end <= term.start), default=None)
    if behind is None:
        windows.append((start, term.start))
    else:
        # Another term comes earlier: only the term's own clause (促销产生促销性数据), not the other's.
        windows.append((max(behind, reading.clause_start(term.start)), term.start))
    return [(lo, hi) for lo, hi in windows if hi > lo]


def _content_found(
    groups: list[list[str]], reading: Reading, lexicon: Lexicon, windows: list[tuple[int, int]], *, check_negation: bool = True
) -> list[Found] | None:
    """Every group found in one of the windows, or None."""
    found: list[Found] = []
    for group in groups:
        hit = next((f for lo, hi in windows if (f := _find_phrase(group, reading, lexicon, lo, hi, check_negation=check_negation)) is not None), None)
        if hit is None:
            return None
        found.append(hit)
    return found


def _term_sentences(reading: Reading, occurrences: list[Found]) -> set[int]:
    return {reading.sentence[f.start] for f in occurrences}


def score_point(point: KeyPoint, others: list[list[str]], reading: Reading, lexicon: Lexicon, context: Context | None) -> PointOutcome:
    """Whether one key point is made, where, and what was forgiven."""
    if not point.says:
        found = _find_phrase(_forms(point.forms, context), reading, lexicon)
        if found is None:
            return PointOutcome(False, [], [])
        return PointOutcome(True, [(found.start, found.end)], [found.how] if found.how else [], by_name=context is not None and context.is_term(point.forms))
    groups = [_forms(group, context) for group in point.says]
    if not point.term:
        # Content with no term: every group within one sentence. Sentences where the first group
        # appears word for word are tried first, in order; then, for answers of ordinary length,
        # every sentence, so that a paraphrase in an earlier sentence is not hidden by a later match.
        # In a point that negates itself (满意不一定忠诚) the other groups stand after its negation.
        negative_point = any(is_negative(needle(form, lexicon)) for group in groups for form in group)
        for start, end in _candidate_sentences(groups[0], reading, lexicon):
            content = [_find_phrase(group, reading, lexicon, start, end, check_negation=not negative_point) for group in groups]
            if len(groups) > 1 and not negative_point and not all(content):
                # 「A而不是B」 states the relation between A and B: B is contrasted, not denied.
                content = [f or _find_contrasted(group, reading, lexicon, start, end) for f, group in zip(content, groups)]
            if all(content) and _related(groups, [f for f in content if f], reading, lexicon, start, end):
                return PointOutcome(True, [(f.start, f.end) for f in content if f], [])
            # Each group's first listed form may stand in different clauses (长期视角：…转向经营长期关系);
            # the point may still be made within one clause.
            if all(content) and len(groups) > 1:
                lo, hi = _hard_clause(reading, content[0].start) if content[0] else (start, end)
                within = [_find_phrase(group, reading, lexicon, lo, hi, check_negation=not negative_point) for group in groups]
                if all(within) and _related(groups, [f for f in within if f], reading, lexicon, lo, hi):
                    return PointOutcome(True, [(f.start, f.end) for f in within if f], [])
        return PointOutcome(False, [], [])
    own_all = _term_occurrences(_forms(point.term, context), reading, lexicon)
    other_all = [f for forms in others for f in _term_occurrences(forms, reading, lexicon)]
    # The longest term wins where two overlap (客户满意 inside 客户满意度).
    own = [f for f in own_all if not any(_contained(f, o) for o in other_all)]
    # ...and within the term's own forms: 选型 inside 产品选型 leaves no 产品 as "content" beside it.
    own = [f for f in own if not any(_contained(f, g) for g in own_all)]
    other = [o for o in other_all if not any(_contained(o, f) for f in own_all)]
    # A term said to be another term (「MA是销售自动化」) is a confusion, not a statement about either.
    own = [f for f in own if not any(_equated(reading, f, o) for o in other)]
    # A term denied (不需要向员工授权) carries no content.
    own = [f for f in own if is_negative(reading.text[f.start : f.end]) or not negated(reading, f.start)]
    for occurrence in own:
        said = _content_found(groups, reading, lexicon, _windows(reading, occurrence, other))
        if said is not None:
            return PointOutcome(True, [(occurrence.start, occurrence.end)] + [(f.start, f.end) for f in said], [])
    # Said, but about another term: a swap.
    for occurrence in other:
        rest = [o for o in other if o != occurrence] + own
        if _content_found(groups, reading, lexicon, _windows(reading, occurrence, rest)) is not None:
            return PointOutcome(False, [], [], swapped=True)
    # The question names the term (惰性忠诚与潜在忠诚有何区别): its content must be said about it,
    # and naming it again earns nothing.
    prompt = tn.prepare(context.question.prompt).skeleton if context is not None else ""
    if any(needle(form, lexicon) in lexicon.canonical(prompt) for form in point.term):
        return PointOutcome(False, [], [])
    # Said in a sentence that names no term at all (服务看不见摸不着): the content is the point,
    # if the answer describes more than one such point (see grade_free_text).
    named = _term_sentences(reading, own_all + other_all)
    position = 0
    while position < len(reading.text):
        start, end = reading.sentence_bounds(position)
        if reading.sentence[start] not in named:
            unnamed = _content_found(groups, reading, lexicon, [(start, end)])
            if unnamed is not None:
                return PointOutcome(True, [(f.start, f.end) for f in unnamed], [], unnamed=True)
        position = end
    # A generic word standing as a term (资源, 需求) shows no knowledge by being written.
    telling = _term_occurrences([form for form in _forms(point.term, context) if len(form) >= MIN_NAMED_CHARS], reading, lexicon)
    # A term whose content is denied (分析型CRM不做数据分析) shows a wrong idea, not knowledge of the name.
    shown = [f for f in own if f in telling and _content_found(groups, reading, lexicon, _windows(reading, f, other), check_negation=False) is None]
    return PointOutcome(False, [(f.start, f.end) for f in shown], [], named=bool(shown))


HARD_BREAKS = frozenset("，,:：;；")
LIST_SEPARATORS = frozenset("、，,;；/／|")


def _hard_clause(reading: Reading, position: int) -> tuple[int, int]:
    """The bounds of the clause around a position, ignoring 、 (a list stays one clause)."""

    def broken(left: int, right: int) -> bool:
        if reading.sentence[left] != reading.sentence[right]:
            return True
        between = reading.raw[reading.origin[left] + 1 : reading.origin[right]]
        return any(char in HARD_BREAKS or tn.nfkc(char) in HARD_BREAKS for char in between)

    start = position
    while start > 0 and not broken(start - 1, start):
        start -= 1
    end = position + 1
    while end < len(reading.text) and not broken(end - 1, end):
        end += 1
    return start, end


_CONTRASTED_RE = re.compile(r"(?:而不是|而非|而并非|而不再是)(?:以|是)?$")


def _contrasted(reading: Reading, position: int) -> bool:
    """True when the phrase at `position` follows 而不是/而非 directly: set against another, not denied."""
    return bool(_CONTRASTED_RE.search(reading.text[reading.clause_start(position) : position]))


def _find_contrasted(forms: list[str], reading: Reading, lexicon: Lexicon, lo: int, hi: int) -> Found | None:
    for form in forms:
        for occurrence in locate(needle(form, lexicon), reading, lo, hi, check_negation=False):
            if _contrasted(reading, occurrence.start):
                return occurrence
    return None


def _related(groups: list[list[str]], content: list[Found], reading: Reading, lexicon: Lexicon, start: int, end: int) -> bool:
    """True when the groups found in one sentence are stated together, not against each other.

    * 「客户忠诚度不是CRM的目标」: a group denied in a clause with another group denies the relation;
    * 「产品对应成本，价格对应顾客」: a group in a clause that relates it to something else
      (对应, 转向, →...) belongs to that clause, so the other groups must be there too;
    * 「从以客户为中心转向以产品为中心」: a direction between two groups must run as the key lists them.
    """
    if len(groups) < 2:
        return True
    clauses = [reading.clause[f.start] for f in content]
    # A point that negates itself (满意不等于忠诚) is checked by its own negative group.
    negative_point = any(is_negative(needle(form, lexicon)) for group in groups for form in group)
    for number, group in enumerate(groups if not negative_point else []):
        for form in group:
            phrase = needle(form, lexicon)
            if is_negative(phrase):
                continue
            for occurrence in locate(phrase, reading, start, end, check_negation=False):
                if (
                    negated(reading, occurrence.start)
                    and not _contrasted(reading, occurrence.start)
                    and any(reading.clause[occurrence.start] == clause for other, clause in enumerate(clauses) if other != number)
                ):
                    return False
    hard = [_hard_clause(reading, f.start) for f in content]
    if len(set(hard)) > 1:
        return not any(RELATION_RE.search(reading.text[lo:hi]) for lo, hi in hard)
    ordered = sorted(range(len(content)), key=lambda i: content[i].start)
    if ordered != list(range(len(content))):
        spans = sorted((f.start, f.end) for f in content)
        # What stands between each found group and the next: 「A转向B」, 「A到B」.
        if any(DIRECTION_RE.search(reading.text[end:next_start]) for (_start, end), (next_start, _end) in itertools.pairwise(spans)):
            return False
    return True


def grade_free_text(question: ShortQuestion, response: str, expected: str, context: Context | None = None) -> Result:
    """Score a short or essay answer by its key points."""
    points = [point for point in question.keypoints if point.forms or point.says]
    if not points:
        return Result("incorrect", 0.0, expected, "本题没有评分要点，请对照参考答案自评", automatic=True)
    lexicon = context.lexicon if context is not None else Lexicon(())
    reading = read(response, lexicon)
    term_forms = [_forms(point.term, context) for point in points if point.term]
    outcomes: list[PointOutcome] = []
    for point in points:
        own = _forms(point.term, context) if point.term else None
        others = [forms for forms in term_forms if forms != own]
        outcomes.append(score_point(point, others, reading, lexicon, context))
    outcomes = _settle(outcomes)
    found = [point.label for point, outcome in zip(points, outcomes) if outcome.found]
    missed = [point.label for point, outcome in zip(points, outcomes) if not outcome.found]
    spans = tuple(
        KeypointSpan(point.label, outcome.found, *_union(reading, shown), _quote(reading, shown))
        for point, outcome in zip(points, outcomes)
        for shown in [outcome.spans if outcome.found else []]  # a missed point shows no span, even where its term is named
    )
    notes = [note for outcome in outcomes for note in outcome.notes if note]
    notes += tn_notes(response)
    swaps = [point.label for point, outcome in zip(points, outcomes) if outcome.swapped]
    named = _named_only(points, outcomes) if not swaps else []  # a term given wrong content earns nothing for its name
    score = (len(found) + NAMED_SHARE * len(named)) / len(points)
    capped = bool(found) and _names_only(question, reading, outcomes, points, lexicon, context)
    listed = "、".join(missed[:MAX_LISTED_KEYPOINTS]) + ("等" if len(missed) > MAX_LISTED_KEYPOINTS else "")
    swap_text = f"；内容与概念对应错了：{'、'.join(swaps)}" if swaps else ""
    named_text = f"；只写了名称、没有说明：{'、'.join(named[:MAX_LISTED_KEYPOINTS])}" if named else ""
    if not missed and not capped:
        return _free_text_result("correct", 1.0, expected, "正确（" + notes_text(["要点齐全", *notes]) + "）", found, missed, spans)
    if score <= 0:
        return _free_text_result("incorrect", 0.0, expected, f"没有答到要点；少了：{listed}{swap_text}", found, missed, spans)
    if capped:
        score = min(score, 0.5)
        feedback = f"只写出了要点的名称，没有说明；答到 {len(found)}/{len(points)} 个要点" + (f"；少了：{listed}" if missed else "")
    elif not found:
        feedback = f"只写出了名称，没有说明它们的含义；少了：{listed}{swap_text}"
    else:
        feedback = f"答到 {len(found)}/{len(points)} 个要点；少了：{listed}{swap_text}{named_text}"
    if notes:
        feedback += f"（{notes_text(notes)}）"
    return _free_text_result("partial", round(score, 4), expected, feedback, found, missed, spans)


def _named_only(points: list[KeyPoint], outcomes: list[PointOutcome]) -> list[str]:
    """The labels of the points whose term is named without its content, where no found point already credits that name."""
    credited = [span for outcome in outcomes if outcome.found for span in outcome.spans]
    return [
        point.label
        for point, outcome in zip(points, outcomes)
        if outcome.named and not any(start < other_end and other_start < end for start, end in outcome.spans for other_start, other_end in credited)
    ]


def _settle(outcomes: list[PointOutcome]) -> list[PointOutcome]:
    """Content said without its term counts only as part of an own-words description of several
    points (服务看不见摸不着；生产和消费同时进行…), not as one stray phrase."""
    unnamed = sum(1 for outcome in outcomes if outcome.found and outcome.unnamed)
    return [PointOutcome(False, [], []) if outcome.found and outcome.unnamed and unnamed < 2 else outcome for outcome in outcomes]


def _free_text_result(verdict: str, score: float, expected: str, feedback: str, found: list[str], missed: list[str], spans: tuple[KeypointSpan, ...]) -> Result:
    return Result(verdict, score, expected, feedback, found=tuple(found), missed=tuple(missed), keypoint_spans=spans, automatic=True)


def tn_notes(response: str) -> list[str]:
    prepared = tn.prepare(response[:MAX_READ_CHARS])
    return ["繁简体差异"] if prepared.traditional else []


def _union(reading: Reading, spans: list[tuple[int, int]]) -> tuple[int, int]:
    if not spans:
        return 0, 0
    first = reading.raw_span(*min(spans))
    last = reading.raw_span(*max(spans, key=lambda span: span[1]))
    return first[0], last[1]


def _quote(reading: Reading, spans: list[tuple[int, int]]) -> str:
    start, end = _union(reading, spans)
    return reading.raw[start:end]


def _names_only(
    question: ShortQuestion, reading: Reading, outcomes: list[PointOutcome], points: list[KeyPoint], lexicon: Lexicon, context: Context | None
) -> bool:
    """True when the question asks for explanation and the answer gives little beyond the terms' names."""
    if not EXPLAIN_RE.search(question.prompt) and question.type != "essay":
        return False
    if any(outcome.found and not outcome.by_name for outcome in outcomes):
        return False
    model = read(question.answer, lexicon)
    model_outcomes = [score_point(point, [], model, lexicon, context) for point in points if not point.says]
    model_rest = len(model.text) - sum(end - start for outcome in model_outcomes for start, end in outcome.spans)
    if model_rest < 8:
        return False  # the model answer is itself a list of the terms
    student_rest = len(reading.text) - sum(end - start for outcome in outcomes for start, end in outcome.spans)
    return student_rest < 0.3 * model_rest

"""Grade a typed answer the way a careful teacher would.

A teacher forgives slips of the hand and of the input method, and refuses an
answer that names a different concept however similar it looks. So matching
is not a similarity threshold (the project notes show why none works on
Chinese) but an account of each edit between the answer and the key:

* normalisation first (:mod:`revise.grading.textnorm`): full width, Traditional
  script, case, punctuation, 第四代 = 第4代, and the filler characters 的之和与及;
* then each remaining edit is weighed: a pinyin homophone (心/芯) is a cheap
  slip, any other change is a typo that only a long enough answer can absorb,
  and a change to a numeral, a negation (不/无/非...) or a short Latin acronym
  (4P/4C, CRM/CTI) is never a slip at all;
* finally the known wrong terms - other members of the concept, members of
  confusable concepts, the question's ``reject`` list and every other answer in
  the bank - veto a forgiven answer that is at least as close to one of them.

The bank's terms are indexed once per bank (see :func:`distractor_index`).
This module is Textual-free and deterministic.
"""

from __future__ import annotations

import math
import re
import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from revise.bank.model import (
    Bank,
    ChoiceQuestion,
    Concept,
    EssayQuestion,
    FillQuestion,
    JudgeQuestion,
    MultiQuestion,
    NumericQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
    format_number,
    letter,
)
from revise.grading import textnorm as tn

VERDICTS = ("correct", "partial", "incorrect")

HOMOPHONE_COST = 0.3
TYPO_COST = 1.0
# Term-like answers (fill, choice, judge, numeric) longer than this are not answers.
MAX_TERM_ANSWER_CHARS = 4_000
# Items of a typed list beyond this many are counted, not matched.
MAX_LIST_ITEMS = 60
# What an answer form sends for a blank left empty among filled ones ("（空）").
EMPTY_BLANK_MARKS = frozenset({"空", "空白"})
# How much of the student's text is echoed back in feedback.
ECHO_CHARS = 24
MAX_LISTED_KEYPOINTS = 8


@dataclass(frozen=True)
class Result:
    """A verdict with its score, the expected answer and a short Chinese explanation."""

    verdict: str  # "correct" | "partial" | "incorrect"
    score: float  # 0.0 .. 1.0
    expected: str  # canonical answer as display text
    feedback: str  # what was forgiven or what was wrong; "未作答" for an empty answer
    found: tuple[str, ...] = ()  # short/essay: canonical keypoints found
    missed: tuple[str, ...] = ()  # short/essay: canonical keypoints missed


# -- weighing edits -----------------------------------------------------------------


@dataclass(frozen=True)
class Edits:
    """The edits that turn a key skeleton into a typed skeleton, weighed one by one."""

    count: int
    typos: tuple[tuple[str, str], ...] = ()  # (key part, typed part); "" for an inserted or dropped char
    homophones: tuple[tuple[str, str], ...] = ()  # (key char, typed char)
    blocker: str | None = None  # "numeral" | "negation" | "acronym": never a slip
    blocker_chars: tuple[str, str] = ("", "")

    @property
    def cost(self) -> float:
        """Homophones are cheap, other typos cost 1, a blocked edit is infinitely far."""
        if self.blocker:
            return math.inf
        return len(self.typos) * TYPO_COST + len(self.homophones) * HOMOPHONE_COST


NO_EDITS = Edits(0)


def _acronym_positions(text: str) -> set[int]:
    """Positions of letters in Latin runs short enough to be acronyms (crm, 4p's p)."""
    positions: set[int] = set()
    for match in re.finditer(r"[a-z]+", text):
        if match.end() - match.start() <= tn.ACRONYM_MAX_LETTERS:
            positions.update(range(match.start(), match.end()))
    return positions


def analyse(key: str, typed: str) -> Edits:
    """Weigh each edit from `key` to `typed` (both skeletons)."""
    if key == typed:
        return NO_EDITS
    ops = Levenshtein.editops(key, typed)
    key_acronyms = _acronym_positions(key) if any(tn.is_latin(c) for c in key) else set()
    typed_acronyms = _acronym_positions(typed) if any(tn.is_latin(c) for c in typed) else set()
    typos: list[tuple[str, str]] = []
    homophones: list[tuple[str, str]] = []
    blocker: str | None = None
    blocker_chars = ("", "")
    for op in ops:
        key_char = key[op.src_pos] if op.tag in ("replace", "delete") else ""
        typed_char = typed[op.dest_pos] if op.tag in ("replace", "insert") else ""
        kind = None
        if key_char in tn.NUMERAL_CHARS or typed_char in tn.NUMERAL_CHARS:
            kind = "numeral"
        elif key_char in tn.NEGATION_CHARS or typed_char in tn.NEGATION_CHARS:
            kind = "negation"
        elif (key_char and op.src_pos in key_acronyms) or (typed_char and op.dest_pos in typed_acronyms):
            kind = "acronym"
        if kind is not None:
            if blocker is None:
                blocker, blocker_chars = kind, (key_char, typed_char)
            continue
        if op.tag == "replace" and tn.is_cjk(key_char) and tn.is_cjk(typed_char) and tn.are_homophones(key_char, typed_char):
            homophones.append((key_char, typed_char))
        else:
            typos.append((key_char, typed_char))
    return Edits(len(ops), tuple(typos), tuple(homophones), blocker, blocker_chars)


def allowance(weight: int) -> tuple[int, int, int]:
    """How many (typos, homophones, edits in all) a key of this weight can absorb.

    A pinyin homophone is forgiven from 2 characters on (one per three
    characters); any other typo only from 8, where one wrong character can no
    longer make a different term of the course (客户关系处理 is not a slip for
    客户关系管理, but 建立服务补救管理信息系充 is one for ...系统).
    """
    typos = 0 if weight < 8 else 1 if weight < 14 else 2 if weight < 24 else weight // 12
    homophones = 0 if weight < 2 else max(1, weight // 3)
    return typos, homophones, max(1, weight // 3)


def forgivable(edits: Edits, weight: int) -> bool:
    """True when every edit is a slip the key's length can absorb."""
    if edits.blocker:
        return False
    typos, homophones, total = allowance(weight)
    return len(edits.typos) <= typos and len(edits.homophones) <= homophones and edits.count <= total


# -- the bank's known terms -----------------------------------------------------------

KIND_PRIORITY = {"member": 0, "name": 1, "answer": 2, "correction": 3, "option": 4, "keypoint": 5, "reject": 6}


@dataclass(frozen=True)
class Known:
    """A term of the bank that can be a wrong answer elsewhere."""

    text: str
    skeleton: str
    kind: str  # see KIND_PRIORITY
    concept: str | None = None  # for members and concept names


class DistractorIndex:
    """Every term of a bank, by skeleton, with a q-gram index for near neighbours.

    `near` finds the terms within k plain edits by the pigeonhole principle: of
    k+1 disjoint bigrams (or characters) of the query, one survives k edits, so
    only terms of a near length sharing one of them need an exact check.
    Postings are kept per (gram, term length) so that the length filter costs
    nothing.
    """

    def __init__(self, terms: Iterable[Known]) -> None:
        by_skeleton: dict[str, list[Known]] = defaultdict(list)
        for term in terms:
            if term.skeleton:
                by_skeleton[term.skeleton].append(term)
        for entries in by_skeleton.values():
            entries.sort(key=lambda k: KIND_PRIORITY.get(k.kind, 9))
        self.by_skeleton: dict[str, list[Known]] = dict(by_skeleton)
        self.skeletons = list(self.by_skeleton)
        grams: dict[tuple[str, int], list[int]] = defaultdict(list)
        by_length: dict[int, list[int]] = defaultdict(list)
        for number, skeleton in enumerate(self.skeletons):
            length = len(skeleton)
            by_length[length].append(number)
            for gram in set(skeleton).union(skeleton[i:i + 2] for i in range(length - 1)):
                grams[gram, length].append(number)
        self.grams = dict(grams)
        self.by_length = dict(by_length)

    def __len__(self) -> int:
        return len(self.skeletons)

    def exact(self, skeleton: str) -> list[Known]:
        """The terms with this skeleton."""
        return self.by_skeleton.get(skeleton, [])

    def near(self, skeleton: str, max_edits: int) -> list[str]:
        """Skeletons of terms within `max_edits` plain edits of `skeleton` (itself included if known)."""
        if max_edits <= 0:
            return [skeleton] if skeleton in self.by_skeleton else []
        numbers = self._candidates(skeleton, max_edits)
        if not numbers:
            return []
        choices = [self.skeletons[number] for number in numbers]
        found = process.extract(skeleton, choices, scorer=Levenshtein.distance, score_cutoff=max_edits, limit=None)
        return sorted(choice for choice, _distance, _index in found)

    def _postings(self, gram: str, lengths: range) -> list[list[int]]:
        return [postings for length in lengths if (postings := self.grams.get((gram, length)))]

    def _candidates(self, skeleton: str, max_edits: int) -> set[int] | list[int]:
        pieces = max_edits + 1
        length = len(skeleton)
        lengths = range(max(1, length - max_edits), length + max_edits + 1)

        def size(gram: str) -> int:
            return sum(len(postings) for postings in self._postings(gram, lengths))

        options: list[tuple[int, list[str]]] = []
        if length >= 2 * pieces:
            # The rarest disjoint bigrams, greedily.
            ranked = sorted(range(length - 1), key=lambda i: (size(skeleton[i:i + 2]), i))
            chosen: list[int] = []
            for start in ranked:
                if all(abs(start - other) >= 2 for other in chosen):
                    chosen.append(start)
                    if len(chosen) == pieces:
                        grams = [skeleton[i:i + 2] for i in chosen]
                        options.append((sum(size(g) for g in grams), grams))
                        break
        if length >= pieces:
            ranked = sorted(range(length), key=lambda i: (size(skeleton[i]), i))[:pieces]
            grams = [skeleton[i] for i in ranked]
            options.append((sum(size(g) for g in grams), grams))
        if not options:
            # A query shorter than the edits allowed: any term short enough qualifies.
            return [n for size_, numbers in self.by_length.items() if size_ <= length + max_edits for n in numbers]
        _total, grams = min(options, key=lambda option: option[0])
        candidates: set[int] = set()
        for gram in grams:
            for postings in self._postings(gram, lengths):
                candidates.update(postings)
        return candidates


def bank_terms(bank: Bank) -> Iterator[Known]:
    """Every term a student could type for some question of the bank."""
    for concept in bank.concepts.values():
        yield _known(concept.name, "name", concept.id)
        for member in concept.members:
            for form in member.forms:
                yield _known(form, "member", concept.id)
    for question in bank.questions.values():
        if isinstance(question, FillQuestion):
            for blank in question.blanks:
                for form in blank:
                    yield _known(form, "answer")
        elif isinstance(question, (ChoiceQuestion, MultiQuestion)):
            for option in question.options:
                yield _known(option, "option")
        elif isinstance(question, JudgeQuestion):
            for form in question.corrections:
                yield _known(form, "correction")
        elif isinstance(question, ShortQuestion):
            for keypoint in (point.forms for point in question.keypoints):
                for form in keypoint:
                    yield _known(form, "keypoint")
        for form in question.reject:
            yield _known(form, "reject")


def _known(text: str, kind: str, concept: str | None = None) -> Known:
    return Known(text, tn.prepare(text).skeleton, kind, concept)


# The index of each bank, built once: keyed by id() with a weak reference, since
# Bank (a mutable dataclass) is not hashable. A changed bank size rebuilds it.
_INDEX_CACHE: dict[int, tuple[weakref.ref, tuple[int, int], DistractorIndex]] = {}


def distractor_index(bank: Bank) -> DistractorIndex:
    """The known-term index of a bank, built on first use and cached while the bank lives."""
    key = id(bank)
    signature = (len(bank.questions), len(bank.concepts))
    cached = _INDEX_CACHE.get(key)
    if cached is not None and cached[0]() is bank and cached[1] == signature:
        return cached[2]
    index = DistractorIndex(bank_terms(bank))
    reference = weakref.ref(bank, lambda _ref, key=key: _INDEX_CACHE.pop(key, None))
    _INDEX_CACHE[key] = (reference, signature, index)
    return index


# -- matching one typed term ------------------------------------------------------------


@dataclass(frozen=True)
class TermMatch:
    """How a typed term compares with a key's accepted forms."""

    accepted: bool
    cost: float = math.inf
    form: int = 0  # the best (or closest) form
    notes: tuple[str, ...] = ()  # what was forgiven
    reason: str = ""  # why it was refused
    edits: Edits | None = None
    known: bool = False  # refused as exactly a known wrong term


class _Context:
    """What grading one question needs: the question, the bank and their known terms."""

    def __init__(self, question: Question, bank: Bank | None) -> None:
        self.question = question
        self.bank = bank
        self._index: DistractorIndex | None = None
        local = [_known(text, "reject") for text in question.reject]
        if isinstance(question, (ChoiceQuestion, MultiQuestion)):
            local += [_known(option, "option") for option in question.options]
        self.local = [k for k in local if k.skeleton]

    @property
    def index(self) -> DistractorIndex | None:
        if self._index is None and self.bank is not None:
            self._index = distractor_index(self.bank)
        return self._index

    @property
    def concept(self) -> Concept | None:
        if self.bank is None or not self.question.concept:
            return None
        return self.bank.concepts.get(self.question.concept)

    def expand(self, forms: Sequence[str]) -> tuple[str, ...]:
        """The forms plus every form of a concept member they name (a member's synonyms are accepted)."""
        concept = self.concept
        if concept is None or not concept.members:
            return tuple(forms)
        skeletons = {tn.prepare(form).skeleton for form in forms}
        extra: list[str] = []
        for member in concept.members:
            if any(tn.prepare(form).skeleton in skeletons for form in member.forms):
                extra += [form for form in member.forms if form not in forms and form not in extra]
        return (*forms, *extra)

    def known_exact(self, skeleton: str, exclude: set[str] | frozenset[str]) -> list[Known]:
        """Known wrong terms with exactly this skeleton."""
        if skeleton in exclude:
            return []
        found = [k for k in self.local if k.skeleton == skeleton]
        if self.index is not None:
            found += self.index.exact(skeleton)
        return found

    def known_near(self, skeleton: str, max_edits: int, exclude: set[str] | frozenset[str]) -> list[str]:
        """Skeletons of known terms within `max_edits` plain edits."""
        found = {k.skeleton for k in self.local if abs(len(k.skeleton) - len(skeleton)) <= max_edits}
        if self.index is not None:
            found.update(self.index.near(skeleton, max_edits))
        return sorted(found - set(exclude))

    def describe(self, typed: str, skeleton: str, resembles: str | None = None) -> str:
        """Why the known term with this skeleton is wrong here: 「运营型CRM」是「CRM的类型」中的另一项.

        With `resembles`, the typed text is a slip away from that known term:
        「运营形CRM」更接近「运营型CRM」，它是「CRM的类型」中的另一项.
        """
        entries = self.known_exact(skeleton, frozenset())
        if not entries:
            return ""
        shown = _echo(typed)
        subject = f"「{shown}」" if resembles is None else f"「{shown}」更接近「{resembles}」，它"
        question_concept = self.question.concept
        concept = self.concept
        confusable = set(concept.confusable) if concept is not None else set()
        ranked = sorted(
            entries,
            key=lambda k: (
                0 if k.kind == "member" and k.concept == question_concept else 1 if k.kind == "member" and k.concept in confusable else 2 if k.kind == "member" else 3,
                KIND_PRIORITY.get(k.kind, 9),
            ),
        )
        best = ranked[0]
        if best.kind == "member" and self.bank is not None and best.concept in self.bank.concepts:
            name = self.bank.concepts[best.concept].name
            if best.concept == question_concept:
                return f"{subject}是「{name}」中的另一项"
            return f"{subject}属于「{name}」"
        if best.kind == "name":
            return f"{subject}是另一个概念"
        if best.kind == "reject":
            return f"{subject}不是本题的答案"
        if best.kind == "option":
            return f"{subject}是另一个选项"
        return f"{subject}是另一个术语"


def _echo(text: str) -> str:
    """A short, single-line quote of what the student typed."""
    flat = " ".join(tn.strip_control(text).split())
    return flat if len(flat) <= ECHO_CHARS else flat[: ECHO_CHARS - 1] + "…"


def _normalisation_notes(typed: tn.NormText) -> list[str]:
    notes = []
    if typed.traditional:
        notes.append("繁简体差异")
    if typed.full_width:
        notes.append("全角字符")
    return notes


def _filler_notes(key: tn.NormText, typed: tn.NormText) -> list[str]:
    added, dropped = tn.filler_difference(key.compact, typed.compact)
    notes = [f'多写了"{char}"' for char in added]
    notes += [f'漏写了"{char}"' for char in dropped]
    return notes


def _edit_notes(edits: Edits) -> list[str]:
    notes = [f"同音字 {k}→{t}" for k, t in edits.homophones]
    for key_part, typed_part in edits.typos:
        if key_part and typed_part:
            notes.append(f"错别字 {key_part}→{typed_part}")
        elif key_part:
            notes.append(f"漏字「{key_part}」")
        else:
            notes.append(f"多字「{typed_part}」")
    return notes


def _blocker_reason(edits: Edits) -> str:
    key_char, typed_char = edits.blocker_chars
    if edits.blocker == "numeral":
        return "数字不同，不是笔误"
    if edits.blocker == "acronym":
        return "字母缩写不同，不是笔误"
    if edits.blocker == "negation":
        word = key_char or typed_char
        return f"{'少了' if key_char and not typed_char else '多了' if typed_char and not key_char else '改了'}否定的「{word}」"
    return ""


def match_term(
    typed_text: str,
    forms: Sequence[str],
    context: _Context | None = None,
    *,
    exclude: Iterable[str] = (),
    distractors: bool = True,
    explain: bool = True,
) -> TermMatch:
    """Compare one typed term with a key's accepted forms (the first canonical).

    `exclude` holds skeletons that are not wrong terms here (other blanks of an
    any-order list). With `distractors` false the known terms are not consulted;
    with `explain` false a refusal comes without its reason (cheaper).
    """
    typed = tn.prepare(typed_text)
    keys = [tn.prepare(form) for form in forms]
    if not typed.skeleton:
        return TermMatch(False, reason="")
    if context is None:
        distractors = False
    key_skeletons = {key.skeleton for key in keys if key.skeleton} | set(exclude)
    # 1. Equal once normalised, or once the fillers are dropped.
    exact = _exact_match(typed, keys, forms)
    if exact is not None:
        return exact
    # 2. Exactly a known wrong term.
    if distractors:
        known = context.known_exact(typed.skeleton, key_skeletons)
        if known:
            # A fragment of the key that the bank happens to hold (as a correction,
            # an option...) is best called incomplete; a member of a concept is named as such.
            fragment = not any(k.kind in ("member", "name", "reject") for k in known) and any(
                len(typed.skeleton) < len(key.skeleton) and typed.skeleton in key.skeleton for key in keys
            )
            reason = f"「{_echo(typed_text)}」不完整" if fragment else context.describe(typed_text, typed.skeleton)
            return TermMatch(False, math.inf, 0, reason=reason, known=True)
    # 3. Slips the key's length can absorb.
    best: tuple[float, int, Edits] | None = None
    best_kept_fillers = False
    closest: tuple[int, int] | None = None  # (plain distance, form)
    longest = max((len(key.skeleton) for key in keys), default=0)
    if len(typed.skeleton) <= 2 * longest + 8:
        for number, key in enumerate(keys):
            if not key.skeleton:
                continue
            distance = Levenshtein.distance(key.skeleton, typed.skeleton)
            if closest is None or distance < closest[0]:
                closest = (distance, number)
            if not _within_reach(key, typed, distance):
                continue
            edits, kept_fillers = _best_edits_and_mode(key, typed)
            if forgivable(edits, key.weight) and (best is None or edits.cost < best[0]):
                best = (edits.cost, number, edits)
                best_kept_fillers = kept_fillers
    if best is None:
        if not explain:
            return TermMatch(False, math.inf, closest[1] if closest else 0)
        # The edits are only worth weighing when the answer is close enough for them to matter.
        close = closest is not None and closest[0] <= max(1, len(keys[closest[1]].skeleton) // 3)
        closest_edits = _best_edits(keys[closest[1]], typed) if close else None
        near = (closest[0], closest[1], closest_edits or Edits(closest[0])) if closest is not None else None
        return TermMatch(False, math.inf, closest[1] if closest else 0, reason=_refusal(typed_text, typed, keys, near, context, key_skeletons, distractors), edits=closest_edits)
    cost, number, edits = best
    # 4. A forgiven answer at least as close to a known wrong term is a near-miss.
    if distractors:
        for skeleton in context.known_near(typed.skeleton, edits.count, key_skeletons):
            other = analyse(skeleton, typed.skeleton)
            if not other.blocker and other.count <= edits.count and other.cost <= cost:
                entries = context.known_exact(skeleton, frozenset())
                shown = entries[0].text if entries else skeleton
                reason = context.describe(typed_text, skeleton, resembles=shown) or f"「{_echo(typed_text)}」更接近「{shown}」"
                return TermMatch(False, math.inf, number, reason=reason, edits=edits)
    fillers = [] if best_kept_fillers else _filler_notes(keys[number], typed)
    notes = _normalisation_notes(typed) + fillers + _edit_notes(edits) + _alternative_note(forms, number)
    return TermMatch(True, cost, number, tuple(notes), edits=edits)


def exact_match(typed_text: str, forms: Sequence[str]) -> TermMatch | None:
    """The match when the typed term equals a form once normalised (fillers aside), else None.

    Cheap, and never consults the bank: grading tries it on every pair first.
    """
    typed = tn.prepare(typed_text)
    return _exact_match(typed, [tn.prepare(form) for form in forms], forms) if typed.skeleton else None


def _exact_match(typed: tn.NormText, keys: list[tn.NormText], forms: Sequence[str]) -> TermMatch | None:
    for number, key in enumerate(keys):
        if key.skeleton and typed.compact == key.compact:
            return TermMatch(True, 0.0, number, tuple(_normalisation_notes(typed) + _alternative_note(forms, number)))
    for number, key in enumerate(keys):
        if key.skeleton and typed.skeleton == key.skeleton:
            notes = _normalisation_notes(typed) + _filler_notes(key, typed) + _alternative_note(forms, number)
            return TermMatch(True, 0.01, number, tuple(notes))
    return None


def _alternative_note(forms: Sequence[str], number: int) -> list[str]:
    return [f"标准说法为「{forms[0]}」"] if number > 0 else []


def _refusal(
    typed_text: str,
    typed: tn.NormText,
    keys: list[tn.NormText],
    closest: tuple[int, int, Edits] | None,
    context: _Context,
    exclude: set[str],
    distractors: bool,
) -> str:
    """Why a typed term is not the key, as specifically as can be said."""
    shown = _echo(typed_text)
    if closest is not None:
        distance, number, edits = closest
        key = keys[number]
        # Name the numeral or acronym only when it is (nearly) the only difference.
        if edits.blocker and distance <= max(1, len(key.skeleton) // 3):
            return f"「{shown}」{_blocker_reason(edits)}"
        if len(typed.skeleton) < len(key.skeleton) and typed.skeleton in key.skeleton:
            return f"「{shown}」不完整"
    if distractors and len(typed.skeleton) >= 3:
        # Name the known term the answer resembles, when it is closer to it than to the key.
        key_distance = closest[0] if closest else len(typed.skeleton)
        for skeleton in context.known_near(typed.skeleton, 1, exclude):
            if Levenshtein.distance(skeleton, typed.skeleton) < key_distance:
                entries = context.known_exact(skeleton, frozenset())
                if entries:
                    return context.describe(typed_text, skeleton, resembles=entries[0].text)
    return ""


def _within_reach(key: tn.NormText, typed: tn.NormText, distance: int | None = None) -> bool:
    """A cheap bound: can the typed text be within the key's edit allowance at all?"""
    total = allowance(key.weight)[2]
    if distance is None:
        distance = Levenshtein.distance(key.skeleton, typed.skeleton, score_cutoff=total + 1)
    if distance <= total:
        return True
    # With the fillers kept the distance can be smaller (不可感之性 for 不可感知性).
    return (key.compact != key.skeleton or typed.compact != typed.skeleton) and Levenshtein.distance(key.compact, typed.compact, score_cutoff=total + 1) <= total


def _best_edits(key: tn.NormText, typed: tn.NormText) -> Edits:
    """The cheaper of comparing skeletons and comparing with the fillers kept (不可感之性: 之 is a slip for 知 here)."""
    return _best_edits_and_mode(key, typed)[0]


def _best_edits_and_mode(key: tn.NormText, typed: tn.NormText) -> tuple[Edits, bool]:
    """The edits, and True when they were counted with the fillers kept."""
    edits = analyse(key.skeleton, typed.skeleton)
    if (edits.count or edits.blocker) and (key.compact != key.skeleton or typed.compact != typed.skeleton):
        with_fillers = analyse(key.compact, typed.compact)
        if with_fillers.cost < edits.cost or (with_fillers.cost == edits.cost and with_fillers.count < edits.count):
            return with_fillers, True
    return edits, False


class _Recognizer:
    """Tells whether a piece of a typed list is one of the key's items; remembers its answers."""

    def __init__(self, blanks: Sequence[Sequence[str]]) -> None:
        self.keys = [key for forms in blanks for form in forms if (key := tn.prepare(form)).skeleton]
        self.skeletons = {key.skeleton for key in self.keys}
        self.memo: dict[str, bool] = {}

    def __call__(self, text: str) -> bool:
        known = self.memo.get(text)
        if known is None:
            known = self.memo[text] = self._recognise(text)
        return known

    def _recognise(self, text: str) -> bool:
        typed = tn.prepare(text)
        if not typed.skeleton:
            return False
        if typed.skeleton in self.skeletons:
            return True
        for key in self.keys:
            if abs(len(key.skeleton) - len(typed.skeleton)) <= 3 and _within_reach(key, typed) and forgivable(_best_edits(key, typed), key.weight):
                return True
        return False


# -- finding a phrase inside a longer text ------------------------------------------------


def find_in_text(text: tn.NormText, forms: Sequence[str]) -> tuple[bool, tuple[str, ...]]:
    """Whether any of the forms occurs in the text, forgiving slips; and what was forgiven.

    Inside running text a student also adds words (不愿意去寻找 for 不愿意寻找):
    a few inserted characters are forgiven on top of the usual slips.
    """
    keys = [tn.prepare(form) for form in forms]
    for key in keys:
        if key.skeleton and _occurs_unnegated(key.skeleton, text.skeleton):
            return True, tuple(_normalisation_notes(text))
    best: tuple[float, Edits] | None = None
    haystack = text.skeleton
    for key in keys:
        needle = key.skeleton
        weight = key.weight
        if weight < 3 or not needle:
            continue
        total = allowance(weight)[2] + _insertions_allowed(weight)
        if len(haystack) < len(needle) - total:
            continue
        cutoff = 100 * (1 - total / len(needle)) - 1
        alignment = fuzz.partial_ratio_alignment(needle, haystack, score_cutoff=max(cutoff, 40))
        if alignment is None:
            continue
        if len(needle) <= len(haystack):
            start, end = alignment.dest_start, alignment.dest_end
        else:
            start, end = alignment.src_start, alignment.src_end
        for left in range(max(0, start - 2), min(len(haystack), start + 3)):
            for right in range(max(left + 1, end - 2), min(len(haystack), end + 2) + 1):
                if needle[0] not in tn.NEGATION_CHARS and _negated_before(haystack, left):
                    continue
                edits = analyse(needle, haystack[left:right])
                if _forgivable_in_text(edits, weight) and (best is None or edits.cost < best[0]):
                    best = (edits.cost, edits)
    if best is None:
        return False, ()
    return True, tuple(_normalisation_notes(text) + _edit_notes(best[1]))


def _occurs_unnegated(needle: str, haystack: str) -> bool:
    """True when the needle occurs in the haystack, not just after a negation (可感知性 in 不可感知性, 不以客户为中心)."""
    position = haystack.find(needle)
    while position >= 0:
        if needle[0] in tn.NEGATION_CHARS or not _negated_before(haystack, position):
            return True
        position = haystack.find(needle, position + 1)
    return False


# 不仅, 不但, 不断, 无论... do not negate what follows.
_NOT_NEGATING_AFTER = frozenset("仅但只断光单论管久")


def _negated_before(haystack: str, position: int) -> bool:
    """True when one of the two characters before `position` negates what starts there."""
    for index in range(max(0, position - 2), position):
        if haystack[index] in tn.NEGATION_CHARS and haystack[index + 1 : index + 2] not in _NOT_NEGATING_AFTER:
            return True
    return False


def _insertions_allowed(weight: int) -> int:
    return max(1, weight // 4)


def _forgivable_in_text(edits: Edits, weight: int) -> bool:
    """Like :func:`forgivable`, with a few inserted characters allowed besides."""
    if edits.blocker:
        return False
    inserted = sum(1 for key_part, _typed in edits.typos if not key_part)
    typos, homophones, total = allowance(weight)
    return (
        len(edits.typos) - inserted <= typos
        and inserted <= _insertions_allowed(weight)
        and len(edits.homophones) <= homophones
        and edits.count - inserted <= total
    )


# -- results ----------------------------------------------------------------------------


def _notes_text(notes: Iterable[str]) -> str:
    unique = list(dict.fromkeys(note for note in notes if note))
    return "；".join(unique)


def _correct(expected: str, notes: Iterable[str] = (), **extra: tuple[str, ...]) -> Result:
    detail = _notes_text(notes)
    return Result("correct", 1.0, expected, f"正确（{detail}）" if detail else "正确", **extra)


def _scored(score: float, expected: str, feedback: str, **extra: tuple[str, ...]) -> Result:
    score = max(0.0, min(1.0, round(score, 4)))
    verdict = "correct" if score >= 1.0 else "incorrect" if score <= 0.0 else "partial"
    return Result(verdict, score, expected, feedback, **extra)


def _wrong(expected: str, reason: str = "", *, show_expected: bool = True) -> Result:
    parts = [reason] if reason else []
    if show_expected:
        parts.append(f"应为：{expected}")
    return Result("incorrect", 0.0, expected, "；".join(parts) or "不正确")


# -- the grader -----------------------------------------------------------------------------


def expected_text(question: Question, params: dict[str, float] | None = None) -> str:
    """The canonical answer as display text: "C. 促销", "A、C、E", "对", "错，应为：沟通", "12 箱"."""
    if isinstance(question, FillQuestion):
        return "、".join(blank[0] for blank in question.blanks if blank)
    if isinstance(question, ChoiceQuestion):
        return f"{letter(question.answer)}. {question.options[question.answer]}" if 0 <= question.answer < len(question.options) else letter(question.answer)
    if isinstance(question, MultiQuestion):
        return "、".join(letter(index) for index in sorted(question.answer))
    if isinstance(question, TrueFalseQuestion):
        return "对" if question.answer else "错"
    if isinstance(question, JudgeQuestion):
        if question.answer or not question.corrections:
            return "对" if question.answer else "错"
        return f"错，应为：{question.corrections[0]}"
    if isinstance(question, ShortQuestion):
        return question.answer.strip()
    if isinstance(question, NumericQuestion):
        return _numeric_display(_numeric_expected(question, params), question.unit)
    return ""


def grade(question: Question, response: str, bank: Bank | None = None, *, params: dict[str, float] | None = None) -> Result:
    """Grade one typed response to a question.

    `bank` supplies the known wrong terms (its index is built once per bank).
    `params` are the values shown to the student of a numeric question with
    params; leaving them out for such a question raises ValueError.
    """
    expected = expected_text(question, params)
    response = "" if response is None else str(response)
    if tn.is_blank(response):
        return Result("incorrect", 0.0, expected, "未作答")
    context = _Context(question, bank)
    if isinstance(question, (ShortQuestion, EssayQuestion)):
        return _grade_short(question, response, expected)
    stripped = response.strip()
    if len(stripped) > MAX_TERM_ANSWER_CHARS:
        return _wrong(expected, f"答案过长（{len(stripped):,} 字），不像是本题的答案")
    if isinstance(question, FillQuestion):
        return _grade_fill(question, stripped, expected, context)
    if isinstance(question, ChoiceQuestion):
        return _grade_choice(question, stripped, expected, context)
    if isinstance(question, MultiQuestion):
        return _grade_multi(question, stripped, expected, context)
    if isinstance(question, TrueFalseQuestion):
        return _grade_truefalse(question, stripped, expected)
    if isinstance(question, JudgeQuestion):
        return _grade_judge(question, stripped, expected, context)
    if isinstance(question, NumericQuestion):
        return _grade_numeric(question, stripped, expected, params, context)
    raise TypeError(f"cannot grade a question of type {type(question).__name__}")


# -- fill ------------------------------------------------------------------------------------


def _grade_fill(question: FillQuestion, response: str, expected: str, context: _Context) -> Result:
    blanks = [context.expand(blank) for blank in question.blanks if blank]
    if not blanks:
        return _wrong(expected)
    if len(blanks) == 1:
        return _grade_single_blank(blanks[0], response, expected, context)
    return _grade_list(question, blanks, response, expected, context)


def _grade_single_blank(forms: tuple[str, ...], response: str, expected: str, context: _Context) -> Result:
    match = match_term(response, forms, context)
    if match.accepted:
        return _correct(expected, match.notes)
    # "答：促销" or "4C：沟通": a label before the answer.
    unlabelled = tn.strip_label(response)
    if unlabelled != tn.nfkc(response):
        labelled_match = match_term(unlabelled, forms, context)
        if labelled_match.accepted:
            return _correct(expected, labelled_match.notes)
    items = tn.split_items(response, _Recognizer([forms]))
    if len(items) > 1:
        matches = [match_term(item, forms, context) for item in items[:MAX_LIST_ITEMS]]
        if len(items) <= MAX_LIST_ITEMS and all(m.accepted for m in matches):
            return _correct(expected, [note for m in matches for note in m.notes])
        if any(m.accepted for m in matches):
            return _wrong(expected, f"只能填一个答案，却写了 {len(items)} 个")
    return _wrong(expected, match.reason)


def _grade_list(question: FillQuestion, blanks: list[tuple[str, ...]], response: str, expected: str, context: _Context) -> Result:
    items = tn.split_items(response, _Recognizer(blanks))
    if len(items) < len(blanks):
        items = _split_run_together(items, blanks)
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
            item_matches[i, i] = match
            if match.accepted:
                assignment[i] = i
    for i, j in sorted(assignment.items()):
        # The expected answer already shows the canonical terms.
        notes.extend(note for note in item_matches[i, j].notes if not note.startswith("标准说法"))
    matched = len(assignment)
    total = max(len(blanks), len(items))
    if matched == len(blanks) and len(items) == len(blanks):
        return _correct(expected, notes)
    problems: list[str] = []
    wrong_items = [i for i in range(len(items)) if i not in assignment]
    misplaced: list[str] = []
    typed_elsewhere: set[int] = set()  # blanks whose answer was typed in the wrong place
    for i in wrong_items[:6]:
        if i >= len(considered):
            break
        if tn.prepare(considered[i]).skeleton in EMPTY_BLANK_MARKS:
            continue  # a blank left empty in the form: it shows up under 少了
        duplicate_of = next((j for j in _filled_blanks(assignment) if item_matches.get((i, j)) and item_matches[i, j].accepted), None) if question.any_order else None
        if duplicate_of is not None:
            problems.append(f"「{_echo(considered[i])}」重复了")
            continue
        if not question.any_order and i < len(blanks):
            # An ordered list: is this the answer of another position?
            other = next((j for j, forms in enumerate(blanks) if j != i and match_term(considered[i], forms, context, distractors=False).accepted), None)
            if other is not None:
                misplaced.append(f"「{_echo(considered[i])}」应是第{other + 1}项")
                typed_elsewhere.add(other)
                continue
        if question.any_order:
            reason = _item_reason(considered[i], blanks, context, all_skeletons)
        else:
            reason = item_matches[i, i].reason if (i, i) in item_matches else _item_reason(considered[i], blanks, context, set())
        problems.append(reason or f"「{_echo(considered[i])}」不对")
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
        feedback += f"（{_notes_text(notes)}）"
    return _scored(matched / total, expected, feedback)


def _filled_blanks(assignment: dict[int, int]) -> list[int]:
    """The blanks already filled by some typed item."""
    return sorted(set(assignment.values()))


def _item_reason(item: str, blanks: list[tuple[str, ...]], context: _Context, exclude: set[str]) -> str:
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


# -- choice ------------------------------------------------------------------------------------

_LETTER_ANSWER_RE = re.compile(r"^(?:答案|答|选择|选)?\s*:?\s*[(\[【]?\s*([a-z])\s*[)\]】]?(?![a-z])\s*[.、:,]?\s*(.*)$", re.S)
_LETTERS_LABEL_RE = re.compile(r"^(?:答案|答|选择|选)\s*:?\s*")


def _letters(text: str) -> list[int] | None:
    """Option indexes of a letters-only answer ("A,C", "ca", "ａ ｃ"), in range or not; None otherwise."""
    folded = _LETTERS_LABEL_RE.sub("", tn.normalize(text))
    letters = [char for char in folded if not tn.is_blank(char)]
    if not letters or not all("a" <= char <= "z" for char in letters):
        return None
    return sorted({ord(char) - ord("a") for char in letters})


def parse_choice_letters(text: str, n_options: int) -> frozenset[int] | None:
    """The option indexes of a letters-only answer ("A", "c", "Ｃ", "A,C", "CA"), or None.

    None when the text is not letters only, or names a letter beyond the options.
    """
    indexes = _letters(text)
    if not indexes or any(index >= n_options for index in indexes):
        return None
    return frozenset(indexes)


def _option_label(question: ChoiceQuestion | MultiQuestion, index: int) -> str:
    return f"{letter(index)}（{question.options[index]}）" if 0 <= index < len(question.options) else letter(index)


def _match_option(text: str, question: ChoiceQuestion | MultiQuestion, context: _Context) -> tuple[int | None, tuple[str, ...]]:
    """The option whose text this is, forgivingly; the other options are the near-misses."""
    for index, option in enumerate(question.options):
        exact = exact_match(text, context.expand((option,)))
        if exact is not None:
            return index, exact.notes
    for index, option in enumerate(question.options):
        others = {tn.prepare(o).skeleton for i, o in enumerate(question.options) if i != index}
        match = match_term(text, context.expand((option,)), context)
        if match.accepted and tn.prepare(text).skeleton not in others:
            return index, match.notes
    return None, ()


def _grade_choice(question: ChoiceQuestion, response: str, expected: str, context: _Context) -> Result:
    folded = tn.normalize(response)
    chosen: int | None = None
    notes: list[str] = []
    letters = _letters(response)
    if letters is not None and len(letters) > 1:
        index, option_notes = _match_option(response, question, context)  # an English option text?
        if index is None:
            return _wrong(expected, "单选题只能选一个选项")
        chosen, notes = index, list(option_notes) + ["按选项内容判断"]
    elif letters is not None:
        chosen = letters[0]
    else:
        match = _LETTER_ANSWER_RE.match(folded)
        if match:
            chosen = ord(match.group(1)) - ord("a")
            rest = match.group(2).strip()
            if rest and 0 <= chosen < len(question.options):
                named, _ = _match_option(rest, question, context)
                if named is not None and named != chosen:
                    return _wrong(expected, f"选项字母{letter(chosen)}与内容「{_echo(rest)}」（{letter(named)}）不一致")
        else:
            index, option_notes = _match_option(response, question, context)
            if index is None:
                return _wrong(expected, f"「{_echo(response)}」不是任何一个选项")
            chosen, notes = index, list(option_notes) + ["按选项内容判断"]
    if not 0 <= chosen < len(question.options):
        return _wrong(expected, f"没有选项{letter(chosen)}")
    if chosen == question.answer:
        return _correct(expected, notes)
    return _wrong(expected, f"选了{_option_label(question, chosen)}")


# -- multi -------------------------------------------------------------------------------------


def _cover_options(text: str, options: Sequence[str]) -> set[int] | None:
    """The options whose texts, typed out in full, make up the whole answer (they may contain commas)."""
    remaining = tn.prepare(text).skeleton
    chosen: set[int] = set()
    ordered = sorted(range(len(options)), key=lambda i: -len(tn.prepare(options[i]).skeleton))
    for index in ordered:
        skeleton = tn.prepare(options[index]).skeleton
        if skeleton and skeleton in remaining:
            chosen.add(index)
            remaining = remaining.replace(skeleton, "\0", 1)
    return chosen if chosen and not remaining.replace("\0", "") else None


def _grade_multi(question: MultiQuestion, response: str, expected: str, context: _Context) -> Result:
    notes: list[str] = []
    chosen: set[int] = set()
    letters = _letters(response)
    if letters is not None and all(index < len(question.options) for index in letters):
        chosen = set(letters)
    else:
        index, option_notes = _match_option(response, question, context) if letters is not None else (None, ())
        if index is not None:
            chosen, notes = {index}, list(option_notes)
        elif (covered := _cover_options(response, question.options)) is not None:
            chosen = covered
            notes.append("按选项内容判断")
        else:
            recognise_option = _Recognizer([(option,) for option in question.options])
            items = tn.split_items(response, lambda text: recognise_option(text) or _letters(text) is not None)
            for item in items[:MAX_LIST_ITEMS]:
                item_letters = _letters(item)
                if item_letters is not None and len(tn.prepare(item).skeleton) <= 1:
                    index = item_letters[0]
                else:
                    index, option_notes = _match_option(item, question, context)
                    if index is None and item_letters is not None:
                        index = item_letters[0] if len(item_letters) == 1 else None
                        if index is None:
                            chosen.update(item_letters)
                            continue
                    notes += list(option_notes)
                if index is None:
                    return _wrong(expected, f"「{_echo(item)}」不是任何一个选项")
                chosen.add(index)
            if chosen:
                notes.append("按选项内容判断")
    out_of_range = sorted(index for index in chosen if index >= len(question.options))
    if out_of_range:
        return _wrong(expected, "没有选项" + "、".join(letter(index) for index in out_of_range))
    if not chosen:
        return _wrong(expected, f"「{_echo(response)}」不是任何一个选项")
    wrong = sorted(chosen - question.answer)
    missing = sorted(question.answer - chosen)
    if wrong:
        return _wrong(expected, "多选了" + "、".join(_option_label(question, index) for index in wrong) + "，有错选不得分")
    if not missing:
        return _correct(expected, notes)
    missed_text = "少选了" + "、".join(_option_label(question, index) for index in missing)
    if not question.partial:
        return _wrong(expected, missed_text + "，本题少选不得分")
    return _scored(len(chosen) / len(question.answer), expected, missed_text)


# -- true/false and judge -------------------------------------------------------------------------

TRUE_TOKENS = ("正确", "对的", "对", "是的", "是", "√", "✓", "✔", "☑", "true", "yes", "t", "y", "v")
FALSE_TOKENS = ("不正确", "不对", "不是", "错误", "错的", "错", "否", "×", "✗", "✘", "☒", "╳", "x", "false", "no", "f", "n")
_TOKENS = sorted([(token, True) for token in TRUE_TOKENS] + [(token, False) for token in FALSE_TOKENS], key=lambda item: -len(item[0]))
_JUDGMENT_PREFIX_RE = re.compile(r"^[\s(\[【\"'“‘「『]*(?:(?:答案|答|判断)\s*:?\s*)?[\s(\[【\"'“‘「『]*")
_CLOSERS = ")]】\"'”’」』"


def parse_judgment(text: str) -> tuple[bool | None, str]:
    """The judgment token at the start of an answer (对/错, √/×, T/F...) and the rest of the text."""
    # Not tn.normalize: the rest is echoed back, and 第四代 should stay as typed.
    folded = tn.to_simplified(tn.nfkc(tn.strip_control(text))).casefold().strip()
    folded = _JUDGMENT_PREFIX_RE.sub("", folded, count=1)
    for token, value in _TOKENS:
        if folded.startswith(token):
            rest = folded[len(token):]
            if token.isascii() and token.isalpha() and rest[:1].isascii() and rest[:1].isalpha():
                continue  # "fine" does not start with F
            return value, rest.lstrip(_CLOSERS)
    return None, folded


def _grade_truefalse(question: TrueFalseQuestion, response: str, expected: str) -> Result:
    judgment, _rest = parse_judgment(response)
    if judgment is None:
        return _wrong(expected, f"无法识别「{_echo(response)}」：请答“对”或“错”")
    if judgment == question.answer:
        return _correct(expected)
    return _wrong(expected, "本题的说法" + ("是对的" if question.answer else "是错的"), show_expected=False)


_CORRECTION_LEADS = (
    "正确答案应为", "正确答案应是", "正确答案是", "正确的应该是", "正确的是", "应该改为", "应该改成", "应改为", "应改成",
    "应该为", "应该是", "应当为", "应当是", "改正为", "更正为", "改为", "改成", "应为", "应是", "而是", "应", "为", "是",
    "->", "→", "=>", "=",
)
_CORRECTION_MARKERS_RE = re.compile("|".join(re.escape(lead) for lead in _CORRECTION_LEADS if len(lead) >= 2 and lead not in ("->", "=>")) + "|->|→|=>")


def _strip_correction_lead(text: str) -> str:
    for _ in range(4):
        before = text
        text = text.strip().lstrip(",.:;、!?~ ").strip()
        for lead in _CORRECTION_LEADS:
            if text.startswith(lead) and len(text) > len(lead):
                text = text[len(lead):]
                break
        if text == before:
            break
    return text.strip().rstrip(",.;、!?~ ")


def _grade_correction(corrections: tuple[str, ...], rest: str, context: _Context) -> TermMatch:
    """Whether the text after a 错 judgment gives the right correction."""
    candidate = _strip_correction_lead(rest)
    if not candidate or tn.is_blank(candidate):
        return TermMatch(False, reason="")
    match = match_term(candidate, corrections, context)
    if match.accepted:
        return match
    # "便利应为沟通": what follows the last 应为/改为 is the correction.
    markers = list(_CORRECTION_MARKERS_RE.finditer(candidate))
    if markers:
        tail = _strip_correction_lead(candidate[markers[-1].end():])
        if tail:
            return match_term(tail, corrections, context)
    if match.known or (match.edits is not None and match.edits.blocker):
        return match  # exactly another term, or a changed numeral or negation
    # "应该是沟通才对": the correction inside a sentence, unless another term of
    # the concept is named too ("促销对应的是沟通" does not say which is meant).
    text = tn.prepare(candidate)
    found, notes = find_in_text(text, corrections)
    if found and not _names_other_terms(text, corrections, context):
        return TermMatch(True, 0.5, 0, notes)
    return match


def _names_other_terms(text: tn.NormText, corrections: Sequence[str], context: _Context) -> bool:
    """True when the text contains a member of the question's or a confusable concept, or a rejected term, other than the key."""
    keys = {tn.prepare(form).skeleton for form in corrections}
    terms = [k.skeleton for k in context.local]
    concept = context.concept
    if concept is not None and context.bank is not None:
        related = [concept] + [context.bank.concepts[c] for c in concept.confusable if c in context.bank.concepts]
        terms += [tn.prepare(form).skeleton for c in related for member in c.members for form in member.forms]
    return any(term and term not in keys and not any(term in key for key in keys) and term in text.skeleton for term in terms)


def _grade_judge(question: JudgeQuestion, response: str, expected: str, context: _Context) -> Result:
    judgment, rest = parse_judgment(response)
    corrections = context.expand(question.corrections) if question.corrections else ()
    if judgment is None:
        if not question.answer and corrections:
            correction = _grade_correction(corrections, rest, context)
            if correction.accepted:
                return _scored(0.5, expected, "改正正确，但没有写判断（对/错）")
        return _wrong(expected, f"无法识别「{_echo(response)}」：请先答“对”或“错”")
    if judgment != question.answer:
        if question.answer or not question.corrections:
            return _wrong(expected, "本题的说法" + ("是对的" if question.answer else "是错的"), show_expected=False)
        return _wrong(expected, f"本题的说法是错的，应改为「{question.corrections[0]}」", show_expected=False)
    if question.answer or not corrections:
        return _correct(expected)
    correction = _grade_correction(corrections, rest, context)
    if correction.accepted:
        return _correct(expected, correction.notes)
    if not _strip_correction_lead(rest) or tn.is_blank(_strip_correction_lead(rest)):
        return _scored(0.5, expected, f"判断正确，但没有改正；应为：{question.corrections[0]}")
    reason = correction.reason or f"改正「{_echo(_strip_correction_lead(rest))}」不对"
    return _scored(0.5, expected, f"判断正确，但改正不对：{reason}；应为：{question.corrections[0]}")


# -- numeric --------------------------------------------------------------------------------------

_NUMBER_RE = re.compile(
    r"(?<![0-9.,])([-+]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*/\s*(\d+(?:\.\d+)?))?\s*(%|‰|万|亿)?"
)
_CHINESE_NUMBER_RE = re.compile(r"(负)?(百分之)?([零〇一二两三四五六七八九十百千万亿]+)(?:点([零〇一二三四五六七八九]+))?")


@dataclass(frozen=True)
class _Number:
    value: float
    percent: bool  # written with % (or 百分之)
    text: str
    scale: str = ""  # 万 or 亿 written after the digits


def parse_numbers(text: str) -> list[_Number]:
    """The numbers written in an answer: 12, 1,200, -3.5, 6/5, 120%, 十二, 百分之二十."""
    folded = tn.to_simplified(tn.nfkc(tn.strip_control(text))).replace("−", "-").replace("，", ",")
    numbers: list[_Number] = []
    for match in _NUMBER_RE.finditer(folded):
        sign, whole, decimals, denominator, percent = match.groups()
        try:
            value = float(whole.replace(",", "") + (decimals or ""))
            if denominator is not None:
                divisor = float(denominator)
                if divisor == 0:
                    continue
                value /= divisor
        except (ValueError, OverflowError):
            continue
        if not math.isfinite(value):
            continue
        if sign == "-":
            value = -value
        if percent == "‰":
            value /= 10
        elif percent in ("万", "亿"):
            value *= 10_000 if percent == "万" else 100_000_000
        numbers.append(_Number(value, percent in ("%", "‰"), match.group(0).strip(), percent if percent in ("万", "亿") else ""))
    if numbers:
        return numbers
    for match in _CHINESE_NUMBER_RE.finditer(tn.to_simplified(folded)):
        negative, percent, whole, decimals = match.groups()
        value = tn.chinese_number(whole)
        if value is None:
            continue
        number = float(value)
        if decimals:
            number = float(f"{value}.{''.join(str(tn.CHINESE_DIGITS[c]) for c in decimals)}")
        numbers.append(_Number(-number if negative else number, percent is not None, match.group(0)))
    return numbers


def _numeric_expected(question: NumericQuestion, params: dict[str, float] | None) -> float:
    if question.params:
        if params is None:
            raise ValueError(f"numeric question {question.id!r} shows generated values: pass the params shown to the student")
        missing = [p.name for p in question.params if p.name not in params]
        if missing:
            raise ValueError(f"numeric question {question.id!r} needs params {', '.join(missing)}")
    return question.expected(params or {})


def _numeric_display(value: float, unit: str | None) -> str:
    shown = format_number(round(value, 6))
    if not unit:
        return shown
    return f"{shown}{unit}" if unit == "%" else f"{shown} {unit}"


def _grade_numeric(question: NumericQuestion, response: str, expected_display: str, params: dict[str, float] | None, context: _Context) -> Result:
    expected = _numeric_expected(question, params)
    tolerance = question.tolerance
    text = tn.prepare(response)
    # Textual forms: {0: [不进货]} when the key is 0, and forms accepted whatever the value.
    forms = [form for value, texts in question.accept.items() if tolerance.allows(expected, value) for form in texts]
    forms += list(question.accept_always)
    if forms:
        match = match_term(response, forms, context, distractors=False)
        if match.accepted:
            return _correct(expected_display, [note for note in match.notes if not note.startswith("标准说法")])
        found, notes = find_in_text(text, forms)
        if found and not parse_numbers(response):
            return _correct(expected_display, notes)
    other_forms = [form for value, texts in question.accept.items() if not tolerance.allows(expected, value) for form in texts]
    if other_forms and not parse_numbers(response) and match_term(response, other_forms, distractors=False).accepted:
        return _wrong(expected_display, f"「{_echo(response)}」不对")
    # The final answer: after the last = or ≈, the last number.
    final = re.split(r"[=≈]|约为|约等于|等于", tn.nfkc(response))[-1]
    numbers = parse_numbers(final) or parse_numbers(response)
    if not numbers:
        return _wrong(expected_display, f"没有找到数字：「{_echo(response)}」")
    number = numbers[-1]
    if number.scale and question.unit and question.unit.startswith(number.scale):
        # "43万元" when the unit is 万元: the 万 belongs to the unit.
        number = _Number(number.value / (10_000 if number.scale == "万" else 100_000_000), False, number.text)
    notes: list[str] = []
    candidates: list[tuple[float, str]] = []
    if number.percent:
        if question.unit == "%":
            candidates.append((number.value, ""))
        else:
            candidates.append((number.value / 100, f"{number.text} 即 {format_number(round(number.value / 100, 10))}"))
    else:
        candidates.append((number.value, ""))
        if question.unit == "%" and 0 < abs(number.value) <= 1:
            candidates.append((number.value * 100, f"{number.text} 即 {format_number(round(number.value * 100, 10))}%"))
    for value, note in candidates:
        if tolerance.allows(expected, value):
            if note:
                notes.append(note)
            if len({n.value for n in numbers}) > 1:
                notes.append(f"按最后的数 {number.text} 评分")
            if question.unit and question.unit != "%" and question.unit not in tn.to_simplified(tn.nfkc(response)):
                notes.append(f"别忘了单位“{question.unit}”")
            return _correct(expected_display, notes)
    hint = ""
    value = candidates[0][0]
    if expected and (tolerance.allows(expected, value / 100) or tolerance.allows(expected, value * 100)):
        hint = "；注意小数与百分数的换算"
    return _wrong(expected_display, f"「{_echo(number.text)}」不对{hint}")


# -- short and essay ----------------------------------------------------------------------------


def _grade_short(question: ShortQuestion, response: str, expected: str) -> Result:
    keypoints = [keypoint.forms for keypoint in question.keypoints if keypoint.forms]
    if not keypoints:
        return Result("incorrect", 0.0, expected, "本题没有评分要点，请对照参考答案自评")
    text = tn.prepare(response)
    found: list[str] = []
    missed: list[str] = []
    notes: list[str] = []
    for keypoint in keypoints:
        present, keypoint_notes = find_in_text(text, keypoint)
        (found if present else missed).append(keypoint[0])
        if present:
            notes.extend(keypoint_notes)
    extra = dict(found=tuple(found), missed=tuple(missed))
    if not missed:
        return _correct(expected, ["要点齐全", *notes], **extra)
    listed = "、".join(missed[:MAX_LISTED_KEYPOINTS]) + ("等" if len(missed) > MAX_LISTED_KEYPOINTS else "")
    if not found:
        return Result("incorrect", 0.0, expected, f"没有答到要点；少了：{listed}", **extra)
    feedback = f"答到 {len(found)}/{len(keypoints)} 个要点；少了：{listed}"
    if notes:
        feedback += f"（{_notes_text(notes)}）"
    return _scored(len(found) / len(keypoints), expected, feedback, **extra)


__all__ = [
    "VERDICTS",
    "DistractorIndex",
    "Known",
    "Result",
    "allowance",
    "analyse",
    "bank_terms",
    "distractor_index",
    "exact_match",
    "expected_text",
    "grade",
    "match_term",
    "parse_choice_letters",
    "parse_judgment",
    "parse_numbers",
]

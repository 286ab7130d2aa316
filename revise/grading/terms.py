"""Matching one typed term against a key's forms, and finding a phrase inside running text."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from revise.bank.model import Bank, ChoiceQuestion, Concept, MultiQuestion, Question
from revise.grading import phrasing
from revise.grading import textnorm as tn
from revise.grading.distractors import KIND_PRIORITY, DistractorIndex, Known, distractor_index, known_term
from revise.grading.edits import Edits, allowance, analyse, forgivable
from revise.grading.lexicon import PLAIN, Lexicon, lexicon_of, member_forms
from revise.grading.result import echo


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


class Context:
    """What grading one question needs: the question, the bank and their known terms."""

    def __init__(self, question: Question, bank: Bank | None) -> None:
        self.question = question
        self.bank = bank
        self._index: DistractorIndex | None = None
        local = [known_term(text, "reject") for text in question.reject]
        if isinstance(question, (ChoiceQuestion, MultiQuestion)):
            local += [known_term(option, "option") for option in question.options]
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

    def expand_everywhere(self, forms: Sequence[str]) -> tuple[str, ...]:
        """The forms plus the `accept` forms of any concept member of the bank they name (for key points)."""
        expanded = self.expand(forms)
        if self.bank is None:
            return expanded
        table = member_forms(self.bank)
        extra = [other for form in expanded for other in table.get(tn.prepare(form).skeleton, ()) if other not in expanded]
        return (*expanded, *dict.fromkeys(extra))

    def is_term(self, forms: Sequence[str]) -> bool:
        """True when one of the forms is a term of the bank: a concept's name or one of its members."""
        if self.bank is None:
            return False
        table = member_forms(self.bank)
        return any(tn.prepare(form).skeleton in table for form in forms)

    @property
    def lexicon(self) -> Lexicon:
        """The bank's synonym groups and the plain-language ones."""
        return lexicon_of(self.bank)

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
        shown = echo(typed)
        subject = f"「{shown}」" if resembles is None else f"「{shown}」更接近「{resembles}」，它"
        question_concept = self.question.concept
        concept = self.concept
        confusable = set(concept.confusable) if concept is not None else set()
        ranked = sorted(
            entries,
            key=lambda k: (
                0
                if k.kind == "member" and k.concept == question_concept
                else 1
                if k.kind == "member" and k.concept in confusable
                else 2
                if k.kind == "member"
                else 3,
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


def normalisation_notes(typed: tn.NormText) -> list[str]:
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


def edit_notes(edits: Edits) -> list[str]:
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
    context: Context | None = None,
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
    # Known terms are consulted only through `lookup`: no context, no distractors.
    lookup = context if distractors else None
    key_skeletons = {key.skeleton for key in keys if key.skeleton} | set(exclude)
    # 1. Equal once normalised, or once the fillers are dropped.
    exact = _exact_match(typed, keys, forms)
    if exact is not None:
        return exact
    # 1b. Equal once synonyms and regular variants are folded (方便 = 便利, 考察阶段 = 考察期):
    # an accepted way of saying the key beats any look-alike check below.
    lexicon = context.lexicon if context is not None else PLAIN
    typed_canonical = lexicon.canonical(typed.skeleton)
    for number, key in enumerate(keys):
        if key.skeleton and lexicon.canonical(key.skeleton) == typed_canonical:
            notes = [*normalisation_notes(typed), f"「{echo(typed_text)}」与「{forms[number]}」同义", *_alternative_note(forms, number)]
            return TermMatch(True, 0.02, number, tuple(notes))
    # 2. Exactly a known wrong term.
    if lookup is not None:
        known = lookup.known_exact(typed.skeleton, key_skeletons)
        if known:
            # A fragment of the key that the bank happens to hold (as a correction,
            # an option...) is best called incomplete; a member of a concept is named as such.
            fragment = not any(k.kind in ("member", "name", "reject") for k in known) and any(
                len(typed.skeleton) < len(key.skeleton) and typed.skeleton in key.skeleton for key in keys
            )
            reason = f"「{echo(typed_text)}」不完整" if fragment else lookup.describe(typed_text, typed.skeleton)
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
            if not within_reach(key, typed, distance):
                continue
            edits, kept_fillers = best_edits_and_mode(key, typed)
            if forgivable(edits, key.weight) and (best is None or edits.cost < best[0]):
                best = (edits.cost, number, edits)
                best_kept_fillers = kept_fillers
    if best is None:
        if not explain:
            return TermMatch(False, math.inf, closest[1] if closest else 0)
        near: tuple[int, int, Edits] | None = None
        closest_edits: Edits | None = None
        if closest is not None:
            # The edits are only worth weighing when the answer is close enough for them to matter.
            if closest[0] <= max(1, len(keys[closest[1]].skeleton) // 3):
                closest_edits = best_edits(keys[closest[1]], typed)
            near = (closest[0], closest[1], closest_edits or Edits(closest[0]))
        return TermMatch(
            False,
            math.inf,
            closest[1] if closest else 0,
            reason=_refusal(typed_text, typed, keys, near, lookup, key_skeletons),
            edits=closest_edits,
        )
    cost, number, edits = best
    # 4. A forgiven answer at least as close to a known wrong term is a near-miss.
    if lookup is not None:
        for skeleton in lookup.known_near(typed.skeleton, edits.count, key_skeletons):
            other = analyse(skeleton, typed.skeleton)
            if not other.blocker and other.count <= edits.count and other.cost <= cost:
                entries = lookup.known_exact(skeleton, frozenset())
                shown = entries[0].text if entries else skeleton
                reason = lookup.describe(typed_text, skeleton, resembles=shown) or f"「{echo(typed_text)}」更接近「{shown}」"
                return TermMatch(False, math.inf, number, reason=reason, edits=edits)
    fillers = [] if best_kept_fillers else _filler_notes(keys[number], typed)
    notes = normalisation_notes(typed) + fillers + edit_notes(edits) + _alternative_note(forms, number)
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
            return TermMatch(True, 0.0, number, tuple(normalisation_notes(typed) + _alternative_note(forms, number)))
    for number, key in enumerate(keys):
        if key.skeleton and typed.skeleton == key.skeleton:
            notes = normalisation_notes(typed) + _filler_notes(key, typed) + _alternative_note(forms, number)
            return TermMatch(True, 0.01, number, tuple(notes))
    return None


def _alternative_note(forms: Sequence[str], number: int) -> list[str]:
    return [f"标准说法为「{forms[0]}」"] if number > 0 else []


def _refusal(
    typed_text: str,
    typed: tn.NormText,
    keys: list[tn.NormText],
    closest: tuple[int, int, Edits] | None,
    lookup: Context | None,
    exclude: set[str],
) -> str:
    """Why a typed term is not the key, as specifically as can be said."""
    shown = echo(typed_text)
    if closest is not None:
        distance, number, edits = closest
        key = keys[number]
        # Name the numeral or acronym only when it is (nearly) the only difference.
        if edits.blocker and distance <= max(1, len(key.skeleton) // 3):
            return f"「{shown}」{_blocker_reason(edits)}"
        if len(typed.skeleton) < len(key.skeleton) and typed.skeleton in key.skeleton:
            return f"「{shown}」不完整"
    if lookup is not None and len(typed.skeleton) >= 3:
        # Name the known term the answer resembles, when it is closer to it than to the key.
        key_distance = closest[0] if closest else len(typed.skeleton)
        for skeleton in lookup.known_near(typed.skeleton, 1, exclude):
            if Levenshtein.distance(skeleton, typed.skeleton) < key_distance:
                entries = lookup.known_exact(skeleton, frozenset())
                if entries:
                    return lookup.describe(typed_text, skeleton, resembles=entries[0].text)
    return ""


def within_reach(key: tn.NormText, typed: tn.NormText, distance: int | None = None) -> bool:
    """A cheap bound: can the typed text be within the key's edit allowance at all?"""
    total = allowance(key.weight)[2]
    if distance is None:
        distance = Levenshtein.distance(key.skeleton, typed.skeleton, score_cutoff=total + 1)
    if distance <= total:
        return True
    # With the fillers kept the distance can be smaller (不可感之性 for 不可感知性).
    return (key.compact != key.skeleton or typed.compact != typed.skeleton) and Levenshtein.distance(
        key.compact, typed.compact, score_cutoff=total + 1
    ) <= total


def best_edits(key: tn.NormText, typed: tn.NormText) -> Edits:
    """The cheaper of comparing skeletons and comparing with the fillers kept (不可感之性: 之 is a slip for 知 here)."""
    return best_edits_and_mode(key, typed)[0]


def best_edits_and_mode(key: tn.NormText, typed: tn.NormText) -> tuple[Edits, bool]:
    """The edits, and True when they were counted with the fillers kept."""
    edits = analyse(key.skeleton, typed.skeleton)
    if (edits.count or edits.blocker) and (key.compact != key.skeleton or typed.compact != typed.skeleton):
        with_fillers = analyse(key.compact, typed.compact)
        if with_fillers.cost < edits.cost or (with_fillers.cost == edits.cost and with_fillers.count < edits.count):
            return with_fillers, True
    return edits, False


class Recognizer:
    """Tells whether a piece of a typed list is one of the key's items; remembers its answers."""

    def __init__(self, blanks: Sequence[Sequence[str]]) -> None:
        self.keys = [key for forms in blanks for form in forms if (key := tn.prepare(form)).skeleton]
        self.skeletons = {key.skeleton for key in self.keys}
        # Blanks that want a number: 八十 or 百分之八十 is an item there, not an enumerator.
        self.numbers = [value for forms in blanks for form in forms if (value := phrasing.number_value(form)) is not None]
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
        if self.numbers:
            value = phrasing.number_value(text)
            if value is not None and any(phrasing.same_number(v, n) for v in (value, value * 100) for n in self.numbers):
                return True
        for key in self.keys:
            if abs(len(key.skeleton) - len(typed.skeleton)) <= 3 and within_reach(key, typed) and forgivable(best_edits(key, typed), key.weight):
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
        if key.skeleton and occurs_unnegated(key.skeleton, text.skeleton):
            return True, tuple(normalisation_notes(text))
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
                if needle[0] not in tn.NEGATION_CHARS and negated_before(haystack, left):
                    continue
                edits = analyse(needle, haystack[left:right])
                if _forgivable_in_text(edits, weight) and (best is None or edits.cost < best[0]):
                    best = (edits.cost, edits)
    if best is None:
        return False, ()
    return True, tuple(normalisation_notes(text) + edit_notes(best[1]))


def occurs_unnegated(needle: str, haystack: str) -> bool:
    """True when the needle occurs in the haystack, not just after a negation (可感知性 in 不可感知性, 不以客户为中心)."""
    position = haystack.find(needle)
    while position >= 0:
        if needle[0] in tn.NEGATION_CHARS or not negated_before(haystack, position):
            return True
        position = haystack.find(needle, position + 1)
    return False


# 不仅, 不但, 不断, 无论... do not negate what follows.
_NOT_NEGATING_AFTER = frozenset("仅但只断光单论管久")


def negated_before(haystack: str, position: int) -> bool:
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

"""Concept drills: questions generated from concepts that have members.

Every concept with at least two members gets up to four drills, each an
ordinary :mod:`revise.bank.model` question so that the grader, the scheduler and
the UI treat it like any other:

- ``drill:<concept>:list``: write all the members (a fill question, order-free
  unless the concept is ``ordered``);
- ``drill:<concept>:belongs``: which option belongs to the concept (a choice
  question whose distractors are members of ``confusable`` concepts);
- ``drill:<concept>:odd``: which option does not belong (odd one out);
- ``drill:<concept>:swap``: true or false, "<concept> consists of …", where a
  member may have been swapped for one from a confusable concept.

The ids derive from the concept id, so progress on a drill survives reloads
and edits. The content is deterministic for a given concept: every random
choice is seeded from the concept id and the drill kind (never from Python's
salted ``hash``). For the swap drill the seed also decides whether a member is
swapped at all, so the answer cannot be guessed from the drill's kind.
Drills that need distractors exist only when a confusable concept offers some.
"""

from __future__ import annotations

import hashlib
import random
import weakref

from revise.bank.model import Bank, ChoiceQuestion, Concept, FillQuestion, Member, Question, TrueFalseQuestion

DRILL_PREFIX = "drill:"
DRILL_KINDS = ("list", "belongs", "odd", "swap")
DRILL_TAG = "drill"
MIN_MEMBERS = 2
# A choice drill shows at most this many options.
MAX_OPTIONS = 4


def drill_id(concept_id: str, kind: str) -> str:
    """The stable id of a concept's drill, e.g. ``drill:4p:list``."""
    return f"{DRILL_PREFIX}{concept_id}:{kind}"


def is_drill_id(question_id: str) -> bool:
    """True when the id names a generated drill rather than a bank question."""
    return question_id.startswith(DRILL_PREFIX)


def parse_drill_id(question_id: str) -> tuple[str, str] | None:
    """(concept id, kind) of a drill id, or None when it is not one."""
    if not is_drill_id(question_id):
        return None
    concept_id, _, kind = question_id[len(DRILL_PREFIX) :].rpartition(":")
    if not concept_id or kind not in DRILL_KINDS:
        return None
    return concept_id, kind


def _rng(concept_id: str, kind: str) -> random.Random:
    """A generator seeded only by the concept id and drill kind, stable across runs."""
    digest = hashlib.sha256(f"{concept_id}\0{kind}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _key(text: str) -> str:
    return text.strip().casefold()


def _member_text(member: Member) -> str:
    return f"{member.term}（{member.en}）" if member.en else member.term


def _roster(concept: Concept) -> str:
    """'4P营销组合：产品（product）、价格（price）…。'"""
    return f"{concept.name}：{'、'.join(_member_text(m) for m in concept.members)}。"


def distractors(concept: Concept, bank: Bank) -> list[tuple[Member, Concept]]:
    """Members of the concept's confusable concepts that are not also its own, in listed order."""
    own = {_key(form) for member in concept.members for form in member.forms}
    found: list[tuple[Member, Concept]] = []
    seen: set[str] = set()
    for other_id in concept.confusable:
        other = bank.concepts.get(other_id)
        if other is None or other.id == concept.id:
            continue
        for member in other.members:
            forms = {_key(form) for form in member.forms}
            if forms & own or _key(member.term) in seen:
                continue
            seen.add(_key(member.term))
            found.append((member, other))
    return found


def _common(concept: Concept, kind: str, prompt: str, explanation: str) -> dict:
    return {
        "id": drill_id(concept.id, kind),
        "prompt": prompt,
        "location": concept.location,
        "chapter": concept.chapter,
        "concept": concept.id,
        "explanation": explanation,
        "source": concept.source,
        "ref": concept.ref,
        "tags": (DRILL_TAG, f"{DRILL_TAG}-{kind}"),
    }


def list_drill(concept: Concept) -> FillQuestion:
    """Write every member of the concept: one blank each, any order unless the concept is ordered."""
    count = len(concept.members)
    blanks = "、".join(["____"] * count)
    if concept.ordered:
        prompt = f"按顺序写出{concept.name}的{count}项：{blanks}。"
    else:
        prompt = f"{concept.name}包括哪{count}项？（顺序不限）{blanks}。"
    return FillQuestion(
        **_common(concept, "list", prompt, _roster(concept)),
        blanks=tuple(member.forms for member in concept.members),
        any_order=not concept.ordered,
    )


def _where(pairs: list[tuple[Member, Concept]]) -> str:
    return "；".join(f"{member.term}属于{owner.name}" for member, owner in pairs)


def belongs_drill(concept: Concept, pool: list[tuple[Member, Concept]]) -> ChoiceQuestion:
    """Which option belongs to the concept? One member among distractors from confusable concepts."""
    rng = _rng(concept.id, "belongs")
    right = rng.choice(concept.members)
    wrong = rng.sample(pool, min(MAX_OPTIONS - 1, len(pool)))
    options = [right.term, *(member.term for member, _ in wrong)]
    rng.shuffle(options)
    explanation = f"{right.term}属于{concept.name}；{_where(wrong)}。{_roster(concept)}"
    return ChoiceQuestion(
        **_common(concept, "belongs", f"下列哪一项属于{concept.name}？", explanation),
        options=tuple(options),
        answer=options.index(right.term),
    )


def odd_drill(concept: Concept, pool: list[tuple[Member, Concept]]) -> ChoiceQuestion:
    """Which option does not belong? Members of the concept and one intruder from a confusable concept."""
    rng = _rng(concept.id, "odd")
    members = rng.sample(list(concept.members), min(MAX_OPTIONS - 1, len(concept.members)))
    intruder, owner = rng.choice(pool)
    options = [member.term for member in members] + [intruder.term]
    rng.shuffle(options)
    explanation = f"{intruder.term}属于{owner.name}，不属于{concept.name}。{_roster(concept)}"
    return ChoiceQuestion(
        **_common(concept, "odd", f"下列哪一项不属于{concept.name}？", explanation),
        options=tuple(options),
        answer=options.index(intruder.term),
    )


def swap_drill(concept: Concept, pool: list[tuple[Member, Concept]]) -> TrueFalseQuestion:
    """True or false: the concept's members listed, one perhaps swapped for a confusable concept's member."""
    rng = _rng(concept.id, "swap")
    terms = [member.term for member in concept.members]
    swapped = rng.random() < 0.5
    if swapped:
        position = rng.randrange(len(terms))
        intruder, owner = rng.choice(pool)
        original = terms[position]
        terms[position] = intruder.term
        explanation = f"错误。{intruder.term}属于{owner.name}；{concept.name}中应为{original}。{_roster(concept)}"
    else:
        explanation = f"正确。{_roster(concept)}"
    if not concept.ordered:
        rng.shuffle(terms)
    prompt = f"{concept.name}包括{'、'.join(terms)}。"
    return TrueFalseQuestion(**_common(concept, "swap", prompt, explanation), answer=not swapped)


# Drills of each loaded bank, built once: every practice session and the home
# screen ask for them. Keyed by id(bank); the entry goes when the bank does.
_CACHE: dict[int, dict[str, tuple[Concept, list[Question]]]] = {}


def _bank_cache(bank: Bank) -> dict[str, tuple[Concept, list[Question]]]:
    key = id(bank)
    if key not in _CACHE:
        _CACHE[key] = {}
        weakref.finalize(bank, _CACHE.pop, key, None)
    return _CACHE[key]


def concept_drills(concept: Concept, bank: Bank) -> list[Question]:
    """The drills of one concept, in DRILL_KINDS order; none when it has fewer than two members."""
    cache = _bank_cache(bank)
    cached = cache.get(concept.id)
    if cached is not None and cached[0] is concept:
        return list(cached[1])
    drills = _build_drills(concept, bank)
    cache[concept.id] = (concept, drills)
    return list(drills)


def _build_drills(concept: Concept, bank: Bank) -> list[Question]:
    if len(concept.members) < MIN_MEMBERS:
        return []
    drills: list[Question] = [list_drill(concept)]
    pool = distractors(concept, bank)
    if pool:
        drills += [belongs_drill(concept, pool), odd_drill(concept, pool), swap_drill(concept, pool)]
    return drills


def bank_drills(bank: Bank) -> dict[str, Question]:
    """Every drill of the bank by id, in chapter order then concept order."""
    return practice_questions(bank, drills_only=True)


def practice_questions(bank: Bank, *, include_drills: bool = True, drills_only: bool = False) -> dict[str, Question]:
    """Everything that can be practised, by id in display order: each chapter's questions, then its concepts' drills."""
    practised: dict[str, Question] = {}
    for chapter in bank.chapters:
        if not drills_only:
            for question in chapter.questions:
                if bank.questions.get(question.id) is question:  # duplicates belong to their first definition
                    practised[question.id] = question
        if include_drills or drills_only:
            for concept in chapter.concepts:
                if bank.concepts.get(concept.id) is concept:
                    for drill in concept_drills(concept, bank):
                        practised[drill.id] = drill
    return practised

"""Concept drills: stable ids, ordinary question objects, distractors from confusable concepts, determinism."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from revise.bank.drills import (
    bank_drills,
    concept_drills,
    distractors,
    drill_id,
    is_drill_id,
    parse_drill_id,
    practice_questions,
)
from revise.bank.model import Bank, Chapter, ChoiceQuestion, Concept, FillQuestion, Location, Member, TrueFalseQuestion

HERE = Location(Path("made-up.yaml"), 1)


def member_terms(concept: Concept) -> set[str]:
    return {m.term for m in concept.members}


def make_bank(*concepts: Concept) -> Bank:
    bank = Bank()
    bank.add_chapter(Chapter(title="第一章", path=Path("01.yaml"), concepts=list(concepts)))
    return bank


def stages(ordered: bool = True) -> Concept:
    return Concept(
        id="lifecycle",
        name="客户生命周期",
        location=HERE,
        chapter="第一章",
        ordered=ordered,
        members=(Member("考察期"), Member("形成期"), Member("稳定期"), Member("退化期")),
        confusable=("loyalty",),
    )


def loyalty() -> Concept:
    return Concept(
        id="loyalty",
        name="客户忠诚类型",
        location=HERE,
        chapter="第一章",
        members=(Member("垄断忠诚"), Member("惰性忠诚"), Member("潜在忠诚"), Member("稳定期")),  # shares 稳定期
        confusable=("lifecycle",),
    )


def test_drill_ids_derive_from_the_concept_id() -> None:
    assert drill_id("4p", "list") == "drill:4p:list"
    assert is_drill_id("drill:4p:odd") and not is_drill_id("mkt-4p-list")
    assert parse_drill_id("drill:crm-definition:swap") == ("crm-definition", "swap")
    assert parse_drill_id("drill:4p:dance") is None
    assert parse_drill_id("mkt-4p-list") is None


def test_the_fixture_concepts_get_all_four_drills_as_ordinary_questions(fixture_bank: Bank) -> None:
    drills = bank_drills(fixture_bank)
    assert list(drills) == [drill_id(c, k) for c in ("4p", "4c") for k in ("list", "belongs", "odd", "swap")]
    kinds = {qid.rsplit(":", 1)[1]: type(q) for qid, q in drills.items()}
    assert kinds == {"list": FillQuestion, "belongs": ChoiceQuestion, "odd": ChoiceQuestion, "swap": TrueFalseQuestion}
    for question in drills.values():
        assert question.chapter == "营销理论"
        assert question.concept in ("4p", "4c")
        assert "drill" in question.tags
        assert question.explanation and question.prompt
    # crm-definition has no members: no drills.
    assert not any(qid.startswith("drill:crm-definition") for qid in drills)


def test_the_list_drill_has_one_blank_per_member_accepting_every_form(fixture_bank: Bank) -> None:
    drill = bank_drills(fixture_bank)["drill:4p:list"]
    concept = fixture_bank.concepts["4p"]
    assert isinstance(drill, FillQuestion)
    assert drill.blanks == tuple(m.forms for m in concept.members)
    assert ("地点", "渠道", "place") in drill.blanks
    assert drill.any_order is True
    assert drill.prompt.count("____") == len(concept.members)


def test_an_ordered_concept_gets_an_ordered_list_drill() -> None:
    bank = make_bank(stages(ordered=True), loyalty())
    drill = bank_drills(bank)["drill:lifecycle:list"]
    assert drill.any_order is False
    assert [forms[0] for forms in drill.blanks] == ["考察期", "形成期", "稳定期", "退化期"]
    assert "按顺序" in drill.prompt


def test_belongs_offers_one_member_among_confusable_distractors(fixture_bank: Bank) -> None:
    for concept_id, other_id in (("4p", "4c"), ("4c", "4p")):
        drill = bank_drills(fixture_bank)[f"drill:{concept_id}:belongs"]
        own, other = member_terms(fixture_bank.concepts[concept_id]), member_terms(fixture_bank.concepts[other_id])
        assert isinstance(drill, ChoiceQuestion)
        assert [option in own for option in drill.options].count(True) == 1
        assert drill.options[drill.answer] in own
        assert all(option in other for i, option in enumerate(drill.options) if i != drill.answer)
        assert len(set(drill.options)) == len(drill.options) == 4


def test_odd_one_out_has_exactly_one_intruder_and_it_is_the_answer(fixture_bank: Bank) -> None:
    for concept_id, other_id in (("4p", "4c"), ("4c", "4p")):
        drill = bank_drills(fixture_bank)[f"drill:{concept_id}:odd"]
        own, other = member_terms(fixture_bank.concepts[concept_id]), member_terms(fixture_bank.concepts[other_id])
        outsiders = [option for option in drill.options if option not in own]
        assert outsiders == [drill.options[drill.answer]]
        assert outsiders[0] in other


def test_swap_is_true_exactly_when_the_listed_members_are_the_real_ones(fixture_bank: Bank) -> None:
    seen_answers = set()
    for concept_id, other_id in (("4p", "4c"), ("4c", "4p")):
        drill = bank_drills(fixture_bank)[f"drill:{concept_id}:swap"]
        concept = fixture_bank.concepts[concept_id]
        listed = drill.prompt.removeprefix(f"{concept.name}包括").removesuffix("。").split("、")
        own, other = member_terms(concept), member_terms(fixture_bank.concepts[other_id])
        assert len(listed) == len(own)
        assert drill.answer is (set(listed) == own)
        if not drill.answer:
            assert len([term for term in listed if term not in own]) == 1
            assert all(term in own or term in other for term in listed)
        seen_answers.add(drill.answer)
    assert seen_answers == {True, False}  # the fixture happens to give one of each: not always "false"


def test_shared_members_never_become_distractors() -> None:
    bank = make_bank(stages(), loyalty())
    pool = [member.term for member, _ in distractors(bank.concepts["lifecycle"], bank)]
    assert pool == ["垄断忠诚", "惰性忠诚", "潜在忠诚"]
    drills = bank_drills(bank)
    for concept_id in ("lifecycle", "loyalty"):
        belongs = drills[f"drill:{concept_id}:belongs"]
        assert "稳定期" not in [option for i, option in enumerate(belongs.options) if i != belongs.answer]
        odd = drills[f"drill:{concept_id}:odd"]
        assert odd.options[odd.answer] != "稳定期"


def test_concepts_without_confusables_get_only_the_list_drill_and_tiny_ones_none() -> None:
    lonely = Concept(id="lonely", name="孤立概念", location=HERE, chapter="第一章", members=(Member("甲"), Member("乙")))
    single = Concept(id="single", name="单一概念", location=HERE, chapter="第一章", members=(Member("丙"),))
    bank = make_bank(lonely, single)
    assert [q.id for q in concept_drills(lonely, bank)] == ["drill:lonely:list"]
    assert concept_drills(single, bank) == []


def test_drills_are_deterministic_within_and_across_processes(fixture_bank_path: Path, fixture_bank: Bank) -> None:
    first = {qid: repr(q) for qid, q in bank_drills(fixture_bank).items()}
    again = {qid: repr(q) for qid, q in bank_drills(fixture_bank).items()}
    assert first == again
    script = (
        "import sys\n"
        "from revise.bank.loader import load_bank\n"
        "from revise.bank.drills import bank_drills\n"
        f"bank = load_bank([{str(fixture_bank_path)!r}]).bank\n"
        "for qid, q in bank_drills(bank).items():\n"
        "    print(qid, getattr(q, 'options', None), getattr(q, 'answer', None), q.prompt)\n"
    )
    outputs = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env={"PYTHONHASHSEED": seed, "PATH": ""}, check=True).stdout
        for seed in ("1", "2", "12345")
    }
    assert len(outputs) == 1
    assert "drill:4p:belongs" in outputs.pop()


def test_practice_questions_put_each_chapters_drills_after_its_questions(fixture_bank: Bank) -> None:
    everything = list(practice_questions(fixture_bank))
    assert everything[:6] == [q.id for q in fixture_bank.chapters[0].questions]
    assert everything[6:14] == list(bank_drills(fixture_bank))
    assert everything[14:] == [q.id for q in fixture_bank.chapters[1].questions]
    assert list(practice_questions(fixture_bank, include_drills=False)) == [*everything[:6], *everything[14:]]
    assert list(practice_questions(fixture_bank, drills_only=True)) == everything[6:14]


def test_the_grader_accepts_the_keys_of_drills(fixture_bank: Bank) -> None:
    grading = pytest.importorskip("revise.grading")
    drills = bank_drills(fixture_bank)
    choice = drills["drill:4p:odd"]
    assert grading.grade(choice, "ABCD"[choice.answer], fixture_bank).verdict == "correct"
    assert grading.grade(choice, "ABCD"[(choice.answer + 1) % 4], fixture_bank).verdict == "incorrect"
    truth = drills["drill:4c:swap"]
    assert grading.grade(truth, "对" if truth.answer else "错", fixture_bank).verdict == "correct"
    listing = drills["drill:4p:list"]
    assert grading.grade(listing, "促销、产品、渠道、价格", fixture_bank).verdict == "correct"


def test_drills_are_built_once_per_bank_and_rebuilt_for_a_new_concept(fixture_bank) -> None:
    import dataclasses

    from revise.bank.drills import concept_drills

    concept = fixture_bank.concepts["4p"]
    first = concept_drills(concept, fixture_bank)
    again = concept_drills(concept, fixture_bank)
    assert again == first and all(a is b for a, b in zip(first, again))
    renamed = dataclasses.replace(concept, name="营销4P")
    rebuilt = concept_drills(renamed, fixture_bank)
    assert rebuilt[0] is not first[0] and "营销4P" in rebuilt[0].prompt

"""Every validation rule of the bank format, each asserting its message and its line."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from revise.bank.loader import load_bank
from revise.bank.yaml_source import MAX_FILE_BYTES

HEADER = "chapter: 测试\nsource: seed.txt\n"


def problems_in(tmp_path: Path, text: str, name: str = "ch.yaml") -> list[str]:
    """Problems found in one file, as `name:line: severity: message` without the directory."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    result = load_bank([path])
    return [str(p).replace(f"{tmp_path}/", "") for p in result.problems]


def errors_in(tmp_path: Path, text: str) -> list[str]:
    """Only the error lines."""
    return [p for p in problems_in(tmp_path, text) if ": error: " in p]


def question(body: str, *, concept: bool = False) -> str:
    """A chapter file whose only question is `body` (starting at line 4, or line 8 with a concept)."""
    concepts = "concepts:\n  - id: c1\n    name: 概念\n    members: [甲, 乙]\n" if concept else ""
    return HEADER + concepts + "questions:\n" + textwrap.indent(textwrap.dedent(body).strip("\n"), "  ") + "\n"


def test_fixture_bank_is_clean(fixture_bank) -> None:
    types = {q.type for q in fixture_bank.questions.values()}
    assert types == {"fill", "choice", "multi", "truefalse", "judge", "short", "essay", "numeric"}


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    text = HEADER + "questions:\n  - id: q1\n    prompt: [unclosed\n    type: truefalse\n"
    [problem] = problems_in(tmp_path, text)
    assert problem == "ch.yaml:6: error: YAML syntax error at column 9: did not find expected ',' or ']'"


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("chapter: 测试\n".encode() + "questions: 客户\n".encode("gbk"))
    [problem] = [str(p) for p in load_bank([path]).problems]
    assert problem == f"{path}:2: error: file is not UTF-8 (byte 0xbf cannot be decoded); save it as UTF-8"


def test_utf8_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + "chapter: 测试\n".encode())
    result = load_bank([path])
    assert result.errors == [] and result.bank.chapters[0].title == "测试"


def test_file_over_5_mb(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    [problem] = [str(p) for p in load_bank([path]).problems]
    assert problem == f"{path}: error: file is 5.0 MB; the limit is 5 MB"


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines.append("chapter: *i")
    started = time.perf_counter()
    problems = problems_in(tmp_path, "\n".join(lines) + "\n")
    elapsed = time.perf_counter() - started
    [problem] = problems
    assert problem.startswith("ch.yaml:1: error: excessive use of YAML aliases: the document would expand to ")
    assert problem.endswith(" values; refusing to load it")
    assert elapsed < 5  # generous: the refusal must not expand the document


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    problems = problems_in(tmp_path, "chapter: 测试\nloop: &a [*a]\n")
    assert problems == ["ch.yaml:1: error: YAML is nested too deeply, or an alias refers to itself"]


def test_python_tags_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"chapter: !!python/object/apply:os.system ['touch {marker}']\n"
    problems = problems_in(tmp_path, text)
    assert not marker.exists()
    assert problems and problems[0].startswith("ch.yaml:1: error:")


def test_missing_required_field(tmp_path: Path) -> None:
    assert errors_in(tmp_path, question("- id: q1\n  type: truefalse\n  answer: true\n")) == [
        'ch.yaml:4: error: a truefalse question is missing required field "prompt"'
    ]


def test_missing_chapter_title(tmp_path: Path) -> None:
    assert problems_in(tmp_path, "order: 1\nquestions: []\n") == ['ch.yaml:1: error: a chapter file is missing required field "chapter"']


def test_missing_type(tmp_path: Path) -> None:
    assert errors_in(tmp_path, question("- id: q1\n  prompt: 题目\n")) == ['ch.yaml:4: error: question is missing required field "type"']


def test_wrong_field_type(tmp_path: Path) -> None:
    assert errors_in(tmp_path, question("- id: q1\n  type: truefalse\n  prompt: 题目\n  answer: 也许\n")) == [
        'ch.yaml:7: error: "answer" must be true or false, not "也许"'
    ]
    assert errors_in(tmp_path, question("- id: q1\n  type: choice\n  prompt: [题目]\n  options: [甲, 乙]\n  answer: A\n")) == [
        'ch.yaml:6: error: "prompt" must be text, not a list'
    ]


def test_unknown_type_with_suggestion(tmp_path: Path) -> None:
    assert errors_in(tmp_path, question("- id: q1\n  type: multiple\n  prompt: 题目\n")) == [
        'ch.yaml:5: error: unknown question type "multiple" (did you mean "multi"?)'
    ]


def test_unknown_key_with_suggestion(tmp_path: Path) -> None:
    errors = errors_in(tmp_path, question("- id: q1\n  type: truefalse\n  prompt: 题目\n  anwser: true\n"))
    assert errors == [
        'ch.yaml:4: error: a truefalse question is missing required field "answer"',
        'ch.yaml:7: error: unknown key "anwser" in a truefalse question (did you mean "answer"?)',
    ]


def test_key_of_another_type_is_named(tmp_path: Path) -> None:
    errors = errors_in(tmp_path, question("- id: q1\n  type: truefalse\n  prompt: 题目\n  answer: true\n  options: [甲, 乙]\n"))
    assert errors == ['ch.yaml:8: error: unknown key "options" for a truefalse question: it belongs to choice/multi questions']


def test_unknown_top_level_key(tmp_path: Path) -> None:
    assert problems_in(tmp_path, "chapter: 测试\nquestoins: []\n") == [
        'ch.yaml:2: error: unknown key "questoins" in a chapter file (did you mean "questions"?)'
    ]


def test_duplicate_question_id_names_both_places(tmp_path: Path) -> None:
    body = "- id: q1\n  type: truefalse\n  prompt: 甲\n  answer: true\n  explanation: 因为\n"
    (tmp_path / "a.yaml").write_text(question(body), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(question(body), encoding="utf-8")
    problems = [str(p) for p in load_bank([tmp_path]).problems]
    assert problems == [f'{tmp_path}/b.yaml:4: error: duplicate question id "q1" (first defined at {tmp_path}/a.yaml:4)']


def test_duplicate_concept_id(tmp_path: Path) -> None:
    text = "chapter: 测试\nconcepts:\n  - {id: c1, name: 甲}\n  - {id: c1, name: 乙}\n"
    errors = errors_in(tmp_path, text)
    assert errors == ['ch.yaml:4: error: duplicate concept id "c1" (first defined at ch.yaml:3)']


def test_invalid_concept_id(tmp_path: Path) -> None:
    assert errors_in(tmp_path, "chapter: 测试\nconcepts:\n  - {id: Bad_Id, name: 甲}\n") == [
        'ch.yaml:3: error: concept id "Bad_Id" is not valid: use [a-z0-9][a-z0-9-]*'
    ]


def test_unknown_concept_reference(tmp_path: Path) -> None:
    body = "- id: q1\n  type: truefalse\n  concept: c2\n  prompt: 甲\n  answer: true\n  explanation: 因为\n"
    assert errors_in(tmp_path, question(body, concept=True)) == [
        'ch.yaml:8: error: question "q1" refers to unknown concept "c2"'
    ]


def test_unknown_confusable_reference(tmp_path: Path) -> None:
    text = "chapter: 测试\nconcepts:\n  - {id: loyalty-types, name: 甲}\n  - {id: c2, name: 乙, confusable: [loyalty-type]}\n"
    assert errors_in(tmp_path, text) == [
        'ch.yaml:4: error: concept "c2" lists unknown confusable concept "loyalty-type" (did you mean "loyalty-types"?)'
    ]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("E", 'answer "E" is out of range: there are 3 options (A-C)'),
        ("AB", 'a choice question has one answer letter; use type "multi" for several'),
    ],
)
def test_choice_answer_letter(tmp_path: Path, answer: str, message: str) -> None:
    body = f"- id: q1\n  type: choice\n  prompt: 题目\n  options: [甲, 乙, 丙]\n  answer: {answer}\n"
    assert errors_in(tmp_path, question(body)) == [f"ch.yaml:8: error: {message}"]


def test_multi_answer_out_of_range(tmp_path: Path) -> None:
    body = "- id: q1\n  type: multi\n  prompt: 题目\n  options: [甲, 乙, 丙]\n  answer: ACD\n"
    assert errors_in(tmp_path, question(body)) == ['ch.yaml:8: error: answer "D" is out of range: there are 3 options (A-C)']


def test_too_many_options(tmp_path: Path) -> None:
    body = "- id: q1\n  type: choice\n  prompt: 题目\n  options: [a, b, c, d, e, f, g, h, i]\n  answer: A\n"
    assert errors_in(tmp_path, question(body)) == ["ch.yaml:7: error: a question needs 2 to 8 options, not 9"]


def test_duplicated_options(tmp_path: Path) -> None:
    body = "- id: q1\n  type: choice\n  prompt: 题目\n  options:\n    - 价格\n    - 产品\n    - 价格\n  answer: A\n"
    assert errors_in(tmp_path, question(body)) == ['ch.yaml:10: error: option C "价格" duplicates option A']


def test_fill_blank_count_differs(tmp_path: Path) -> None:
    body = "- id: q1\n  type: fill\n  prompt: 4P是____、____和____。\n  answer: [产品, 价格]\n"
    assert errors_in(tmp_path, question(body)) == ["ch.yaml:7: error: prompt has 3 blanks but there are 2 answers"]


def test_fill_without_blank(tmp_path: Path) -> None:
    body = "- id: q1\n  type: fill\n  prompt: 4P是什么\n  answer: 产品\n"
    assert errors_in(tmp_path, question(body)) == ["ch.yaml:6: error: fill prompt has no blank; write each blank as ____"]


def test_fill_accept_with_several_blanks(tmp_path: Path) -> None:
    body = "- id: q1\n  type: fill\n  prompt: ____和____\n  answer: [甲, 乙]\n  accept: [丙]\n"
    assert errors_in(tmp_path, question(body)) == [
        'ch.yaml:8: error: "accept" is for single-blank questions; list alternatives inside each answer entry'
    ]


def test_judge_false_without_correction(tmp_path: Path) -> None:
    body = "- id: q1\n  type: judge\n  prompt: 第三代呼叫中心是多媒体呼叫中心。\n  answer: false\n"
    assert errors_in(tmp_path, question(body)) == ['ch.yaml:7: error: judge answer is false but there is no "correction"']


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("__import__('os').system('true')", "function \"__import__('os').system\" is not allowed (only min, max, round, abs)"),
        ("a.real * 2", "'a.real' is not allowed in a formula"),
        ("a if a else 1", "'a if a else 1' is not allowed in a formula"),
        ("a % 2", "operator '%' is not allowed (use + - * / ** and parentheses)"),
        ("'x' * a", "only numbers are allowed, not 'x'"),
        ("a +", "formula is not valid arithmetic: invalid syntax"),
        ("max(a, key=abs)", "keyword arguments are not allowed in a formula"),
        ("a ** 1000", "formula fails for a=1: exponent 1000 is too large"),
        ("a / (a - a)", "formula fails for a=1: cannot evaluate 'a / (a - a)': float division by zero"),
    ],
)
def test_formula_outside_whitelist(tmp_path: Path, formula: str, message: str) -> None:
    body = f'- id: q1\n  type: numeric\n  prompt: 数为{{a}}\n  params: {{a: [1, 5]}}\n  formula: "{formula}"\n'
    errors = errors_in(tmp_path, question(body))
    assert errors == [f"ch.yaml:8: error: {message}"]


def test_formula_undeclared_param(tmp_path: Path) -> None:
    body = "- id: q1\n  type: numeric\n  prompt: 收入{revenue}\n  params: {revenue: [1, 5]}\n  formula: revenue - cost\n"
    assert errors_in(tmp_path, question(body)) == ['ch.yaml:8: error: formula uses undeclared param "cost"']


def test_prompt_placeholder_without_param(tmp_path: Path) -> None:
    body = "- id: q1\n  type: numeric\n  prompt: 收入{revenue}成本{cost}\n  params: {revenue: [1, 5]}\n  formula: revenue * 2\n"
    assert errors_in(tmp_path, question(body)) == ['ch.yaml:6: error: prompt shows {cost} but there is no param "cost"']


def test_numeric_needs_answer_or_formula(tmp_path: Path) -> None:
    body = "- id: q1\n  type: numeric\n  prompt: 多少\n"
    assert errors_in(tmp_path, question(body)) == ['ch.yaml:4: error: a numeric question needs exactly one of "answer" and "formula"']


def test_bad_tolerance(tmp_path: Path) -> None:
    body = "- id: q1\n  type: numeric\n  prompt: 多少\n  answer: 3\n  tolerance: about\n"
    assert errors_in(tmp_path, question(body)) == ['ch.yaml:8: error: tolerance "about" must be a number or a percentage like "1%"']


def test_warning_no_explanation(tmp_path: Path) -> None:
    problems = problems_in(tmp_path, question("- id: q1\n  type: truefalse\n  prompt: 甲\n  answer: true\n"))
    assert problems == ['ch.yaml:4: warning: question "q1" has no explanation']


def test_warning_no_source(tmp_path: Path) -> None:
    text = "chapter: 测试\nquestions:\n  - id: q1\n    type: truefalse\n    prompt: 甲\n    answer: true\n    explanation: 因为\n"
    assert problems_in(tmp_path, text) == ['ch.yaml:3: warning: question "q1" has no source, and its chapter gives none']


def test_warning_concept_without_questions(tmp_path: Path) -> None:
    text = "chapter: 测试\nsource: s.txt\nconcepts:\n  - id: lonely\n    name: 孤\n"
    assert problems_in(tmp_path, text) == ['ch.yaml:4: warning: concept "lonely" has no questions pointing at it']


def test_warning_empty_file(tmp_path: Path) -> None:
    assert problems_in(tmp_path, "# nothing yet\n") == ["ch.yaml: warning: empty file"]


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    assert [str(p) for p in load_bank([missing]).problems] == [f"{missing}: error: no such file or directory"]


def test_directory_is_searched_recursively(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yml").write_text(question("- id: q1\n  type: truefalse\n  prompt: 甲\n  answer: true\n  explanation: 因\n"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(question("- id: q2\n  type: truefalse\n  prompt: 乙\n  answer: false\n  explanation: 因\n"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not yaml")
    result = load_bank([tmp_path])
    assert result.problems == []
    assert sorted(result.bank.questions) == ["q1", "q2"]


def test_parsed_values(fixture_bank) -> None:
    fill = fixture_bank.questions["mkt-4p-list"]
    assert fill.blanks[2] == ("地点", "渠道", "place") and fill.any_order is True
    choice = fixture_bank.questions["mkt-4c-odd"]
    assert choice.answer == 2 and choice.options[2] == "促销"
    assert fixture_bank.questions["mkt-4p-multi"].answer == frozenset({0, 2, 4})
    judge = fixture_bank.questions["mkt-4c-judge"]
    assert judge.answer is False and judge.corrections == ("沟通", "communication")
    stock = fixture_bank.questions["val-stock"]
    assert stock.expected({"last": 10, "inbound": 10, "now": 30}) == 0
    assert stock.expected({"last": 20, "inbound": 30, "now": 10}) == 50
    assert stock.accept == {0.0: ("不进货",)}
    assert fixture_bank.questions["val-fixed"].expected() == 20
    assert fixture_bank.questions["mkt-4p-tf"].source == "000_01d0379ea40b424b.txt"  # the chapter's default
    assert [c.title for c in fixture_bank.chapters] == ["营销理论", "客户价值与满意"]


@pytest.mark.parametrize(
    ("params", "formula", "message"),
    [
        # A failure deep inside the range, not at its smallest values: 100 / (b - 3) at b = 3.
        ("{b: [1, 5]}", "100 / (b - 3)", "formula fails for b=3: cannot evaluate '100 / (b - 3)': float division by zero"),
        # Leaving the real numbers for half the range.
        ("{a: [1, 10]}", "(5 - a) ** 0.5", "formula fails for a=6: -1 ** 0.5 is not a real number"),
        ("{a: [1, 3]}", "(a - 5) ** 0.5", "formula fails for a=1: -4 ** 0.5 is not a real number"),
        # Ranges too large to mean anything, or to compute with.
        ("{a: [-1000000000000000000000000000000, 1000000000000000000000000000000]}", "a * 2", 'param "a" spans'),
        ("{a: [1, 2, 100000000000000000000]}", "a * 2", 'param "a" reaches 1e+20; values must stay within ±1e+09'),
    ],
)
def test_formula_checked_over_its_whole_parameter_space(tmp_path: Path, params: str, formula: str, message: str) -> None:
    shown = "".join(f"{{{name}}}" for name in ("a", "b") if f"{name}:" in params)
    body = f'- id: q1\n  type: numeric\n  prompt: 数为{shown}\n  params: {params}\n  formula: "{formula}"\n'
    errors = errors_in(tmp_path, question(body))
    assert len(errors) == 1 and message in errors[0], errors


def test_formula_over_many_combinations_is_sampled_and_still_catches_a_corner(tmp_path: Path) -> None:
    # 2001 × 2001 combinations: too many to try them all, but the corner a = b fails.
    body = '- id: q1\n  type: numeric\n  prompt: "{a} {b}"\n  params: {a: [0, 2000], b: [0, 2000]}\n  formula: "1 / (a - b + 2000)"\n'
    errors = errors_in(tmp_path, question(body))
    assert len(errors) == 1 and "formula fails for a=0, b=2000" in errors[0], errors


def test_a_file_of_millions_of_tiny_values_is_refused_before_it_is_composed(tmp_path: Path) -> None:
    path = tmp_path / "ch.yaml"
    path.write_text("chapter: x\nquestions: [" + ",".join(["1"] * 400_000) + "]\n", encoding="utf-8")
    problems = [str(p).replace(f"{tmp_path}/", "") for p in load_bank([path]).problems]
    assert problems == ["ch.yaml: error: file has more than 300,000 YAML values; split it into chapters or check it is a bank file"]


def test_problems_per_file_stop_at_a_hundred_with_a_count_of_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "ch.yaml"
    path.write_text("chapter: x\nquestions: [" + ",".join(["1"] * 250) + "]\n", encoding="utf-8")
    problems = [str(p).replace(f"{tmp_path}/", "") for p in load_bank([path]).problems]
    assert len(problems) == 101
    assert problems[0] == "ch.yaml: error: 150 more problems in this file are not listed; fix the ones above first"
    assert problems[1] == "ch.yaml:2: error: a question must be a mapping of fields, not 1"


def test_many_unknown_confusables_are_reported_with_hints(tmp_path: Path) -> None:
    # Each concept names a misspelt neighbour: every one is reported, each with the right hint.
    lines = ["chapter: x", "source: s", "concepts:"]
    lines += [f"  - {{id: concept-{i}, name: 概念{i}, confusable: [concpt-{(i + 1) % 500}]}}" for i in range(500)]
    path = tmp_path / "ch.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = [p.message for p in load_bank([path]).errors]
    assert len(errors) == 500
    assert 'concept "concept-7" lists unknown confusable concept "concpt-8" (did you mean "concept-8"?)' in errors


def test_oversized_text_fields_are_refused(tmp_path: Path) -> None:
    errors = errors_in(tmp_path, question("- {id: q1, type: truefalse, prompt: " + "很长" * 3000 + ", answer: true}"))
    assert errors == ['ch.yaml:4: error: "prompt" is 6,000 characters long; the limit is 5,000']


def test_terminal_escapes_in_bank_text_are_shown_not_obeyed(tmp_path: Path) -> None:
    # An unknown key that clears the screen and renames the terminal title.
    body = '- {id: q1, type: truefalse, prompt: 对吗, answer: true, "\\e[2J\\e]0;pwned\\a": 1}'
    errors = errors_in(tmp_path, question(body))
    assert len(errors) == 1
    assert "\x1b" not in errors[0] and "\x07" not in errors[0]
    assert 'unknown key "' in errors[0]

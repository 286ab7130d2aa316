"""Parsing one chapter file into concepts and questions."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from revise.bank.formula import FormulaError, parse_formula
from revise.bank.model import (
    BLANK_RE,
    FREE_TEXT_KINDS,
    PLACEHOLDER_RE,
    QUESTION_CLASSES,
    QUESTION_TYPES,
    Chapter,
    Concept,
    KeyPoint,
    Member,
    NumericQuestion,
    Param,
    Question,
    Tolerance,
    letter,
)
from revise.bank.params import parameter_space_problem
from revise.bank.yaml_source import (
    STR_TAG,
    NodeReader,
    cap_problems,
    Problem,
    describe_node,
    read_yaml_file,
    suggest,
)

CONCEPT_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
QUESTION_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
PARAM_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
PERCENT_RE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*\Z")

CHAPTER_KEYS = ("chapter", "order", "source", "concepts", "questions")
CONCEPT_KEYS = ("id", "name", "summary", "ordered", "members", "confusable", "source", "ref")
MEMBER_KEYS = ("term", "accept", "en", "note")
COMMON_KEYS = ("id", "type", "prompt", "concept", "explanation", "source", "ref", "tags", "reject")
TYPE_KEYS = {
    "fill": ("answer", "accept", "any_order"),
    "choice": ("options", "answer", "shuffle"),
    "multi": ("options", "answer", "partial", "shuffle"),
    "truefalse": ("answer",),
    "judge": ("answer", "correction"),
    "short": ("answer", "keypoints", "kind"),
    "essay": ("answer", "keypoints", "kind"),
    "numeric": ("answer", "formula", "params", "tolerance", "unit", "accept"),
    "match": ("pairs", "distractors"),
}
KEYPOINT_KEYS = ("term", "says", "label")
MAX_OPTIONS = 8
MIN_PAIRS, MAX_PAIRS = 2, 10


class ChapterParser(NodeReader):
    """Turns the node tree of one chapter file into model objects."""

    # -- the chapter -------------------------------------------------------

    def parse(self, root: yaml.Node) -> Chapter | None:
        """The chapter in a file, or None when it is unusable."""
        fields = self.fields(root, "a chapter file", CHAPTER_KEYS)
        if fields is None:
            return None
        title = self.text(self.require(fields, "chapter", root, "a chapter file"), '"chapter"')
        if title is None:
            return None
        chapter = Chapter(title=title, path=self.path)
        chapter.order = self.number(fields.get("order"), '"order"')
        chapter.source = self.text(fields.get("source"), '"source"')
        for item in self.sequence(fields.get("concepts"), '"concepts"'):
            concept = self.concept(item, chapter)
            if concept is not None:
                chapter.concepts.append(concept)
        for item in self.sequence(fields.get("questions"), '"questions"'):
            question = self.question(item, chapter)
            if question is not None:
                chapter.questions.append(question)
        return chapter

    def concept(self, node: yaml.Node, chapter: Chapter) -> Concept | None:
        """One concept entry."""
        fields = self.fields(node, "a concept", CONCEPT_KEYS)
        if fields is None:
            return None
        concept_id = self.identifier(self.require(fields, "id", node, "a concept"), CONCEPT_ID_RE, "concept id")
        name = self.text(self.require(fields, "name", node, "a concept"), '"name"')
        if concept_id is None or name is None:
            return None
        members = tuple(member for item in self.sequence(fields.get("members"), '"members"') if (member := self.member(item)))
        return Concept(
            id=concept_id,
            name=name,
            location=self.location(node),
            chapter=chapter.title,
            summary=self.text(fields.get("summary"), '"summary"'),
            ordered=self.boolean(fields.get("ordered"), '"ordered"', False),
            members=members,
            confusable=self.texts(fields.get("confusable"), '"confusable"'),
            source=self.text(fields.get("source"), '"source"') or chapter.source,
            ref=self.text(fields.get("ref"), '"ref"'),
        )

    def member(self, node: yaml.Node) -> Member | None:
        """One member of a concept: a text, or a mapping with `term`."""
        if isinstance(node, yaml.ScalarNode):
            term = self.text(node, "a member")
            return Member(term) if term else None
        fields = self.fields(node, "a member", MEMBER_KEYS)
        if fields is None:
            return None
        term = self.text(self.require(fields, "term", node, "a member"), '"term"')
        if term is None:
            return None
        return Member(
            term=term,
            accept=self.texts(fields.get("accept"), '"accept"'),
            en=self.text(fields.get("en"), '"en"'),
            note=self.text(fields.get("note"), '"note"'),
        )

    # -- questions ---------------------------------------------------------

    def question(self, node: yaml.Node, chapter: Chapter) -> Question | None:
        """One question of any type."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"a question must be a mapping of fields, not {describe_node(node)}")
            return None
        type_node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "type"), None)
        if type_node is None:
            self.error(node, 'question is missing required field "type"')
            return None
        qtype = self.text(type_node, '"type"')
        if qtype is None:
            return None
        if qtype not in QUESTION_TYPES:
            hint = suggest(qtype, QUESTION_TYPES) or f" (expected one of {', '.join(QUESTION_TYPES)})"
            self.error(type_node, f'unknown question type "{qtype}"{hint}')
            return None
        others = {t: keys for t, keys in TYPE_KEYS.items() if t != qtype}
        fields = self.fields(node, f"a {qtype} question", COMMON_KEYS + TYPE_KEYS[qtype], others)
        if fields is None:
            return None
        what = f"a {qtype} question"
        question_id = self.identifier(self.require(fields, "id", node, what), QUESTION_ID_RE, "question id")
        prompt = self.text(self.require(fields, "prompt", node, what), '"prompt"')
        if question_id is None or prompt is None:
            return None
        common = dict(
            id=question_id,
            prompt=prompt,
            location=self.location(node),
            chapter=chapter.title,
            concept=self.text(fields.get("concept"), '"concept"'),
            explanation=self.text(fields.get("explanation"), '"explanation"'),
            source=self.text(fields.get("source"), '"source"') or chapter.source,
            ref=self.text(fields.get("ref"), '"ref"'),
            tags=self.texts(fields.get("tags"), '"tags"'),
            reject=self.texts(fields.get("reject"), '"reject"'),
        )
        specific = getattr(self, f"_{qtype}")(fields, node, prompt)
        if specific is None:
            return None
        return QUESTION_CLASSES[qtype](**common, **specific)

    def _fill(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        answer = self.require(fields, "answer", node, "a fill question")
        if answer is None:
            return None
        if isinstance(answer, yaml.SequenceNode):
            blanks = tuple(self.alternatives(item, "an answer entry") for item in answer.value)
        else:
            blanks = (self.alternatives(answer, '"answer"'),)
        if not blanks or not all(blanks):
            if not blanks:
                self.error(answer, '"answer" is an empty list')
            return None
        accept = self.texts(fields.get("accept"), '"accept"')
        if accept:
            if len(blanks) > 1:
                self.error(fields["accept"], '"accept" is for single-blank questions; list alternatives inside each answer entry')
            else:
                blanks = (blanks[0] + accept,)
        count = len(BLANK_RE.findall(prompt))
        if count == 0:
            self.error(fields["prompt"], "fill prompt has no blank; write each blank as ____")
            return None
        if count != len(blanks):
            self.error(
                answer,
                f"prompt has {count} blank{'s' * (count != 1)} but there {'are' if len(blanks) != 1 else 'is'} {len(blanks)} answer{'s' * (len(blanks) != 1)}",
            )
            return None
        return dict(blanks=blanks, any_order=self.boolean(fields.get("any_order"), '"any_order"', False))

    def options(self, fields: dict[str, yaml.Node], node: yaml.Node, what: str) -> tuple[str, ...] | None:
        """A choice question's options, checked for count and duplicates."""
        options_node = self.require(fields, "options", node, what)
        if options_node is None:
            return None
        if not isinstance(options_node, yaml.SequenceNode):
            self.error(options_node, f'"options" must be a list, not {describe_node(options_node)}')
            return None
        options = [self.text(item, f"option {letter(i)}") for i, item in enumerate(options_node.value)]
        if None in options:
            return None
        if not 2 <= len(options) <= MAX_OPTIONS:
            self.error(options_node, f"a question needs 2 to {MAX_OPTIONS} options, not {len(options)}")
            return None
        seen: dict[str, int] = {}
        for index, option in enumerate(options):
            if option in seen:
                self.error(options_node.value[index], f'option {letter(index)} "{option}" duplicates option {letter(seen[option])}')
                return None
            seen[option] = index
        return tuple(options)  # type: ignore[arg-type]

    def letters(self, node: yaml.Node | None, options: tuple[str, ...]) -> list[int] | None:
        """Answer letters as option indexes, each checked to be in range."""
        raw = self.text(node, '"answer"')
        if raw is None:
            return None
        letters = [ch for ch in raw.upper() if ch not in " ,、，"]
        indexes: list[int] = []
        last = letter(len(options) - 1)
        for ch in letters:
            index = ord(ch) - ord("A")
            if not ch.isascii() or not 0 <= index < len(options):
                self.error(node, f'answer "{ch}" is out of range: there are {len(options)} options (A-{last})')
                return None
            if index in indexes:
                self.error(node, f'answer letter "{ch}" is given twice')
                return None
            indexes.append(index)
        if not indexes:
            self.error(node, '"answer" has no option letter')
            return None
        return indexes

    def _choice(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        options = self.options(fields, node, "a choice question")
        answer_node = self.require(fields, "answer", node, "a choice question")
        if options is None or answer_node is None:
            return None
        indexes = self.letters(answer_node, options)
        if indexes is None:
            return None
        if len(indexes) > 1:
            self.error(answer_node, 'a choice question has one answer letter; use type "multi" for several')
            return None
        return dict(options=options, answer=indexes[0], shuffle=self.boolean(fields.get("shuffle"), '"shuffle"', True))

    def _multi(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        options = self.options(fields, node, "a multi question")
        answer_node = self.require(fields, "answer", node, "a multi question")
        if options is None or answer_node is None:
            return None
        indexes = self.letters(answer_node, options)
        if indexes is None:
            return None
        return dict(
            options=options,
            answer=frozenset(indexes),
            partial=self.boolean(fields.get("partial"), '"partial"', True),
            shuffle=self.boolean(fields.get("shuffle"), '"shuffle"', True),
        )

    def _truefalse(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        answer = self.require(fields, "answer", node, "a truefalse question")
        if answer is None:
            return None
        return dict(answer=self.boolean(answer, '"answer"', True))

    def _judge(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        answer_node = self.require(fields, "answer", node, "a judge question")
        if answer_node is None:
            return None
        answer = self.boolean(answer_node, '"answer"', True)
        corrections = self.texts(fields.get("correction"), '"correction"')
        if not answer and not corrections:
            self.error(answer_node, 'judge answer is false but there is no "correction"')
            return None
        return dict(answer=answer, corrections=corrections)

    def _short(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        what = f"a {self._type_of(node)} question"
        answer = self.text(self.require(fields, "answer", node, what), '"answer"')
        keypoints_node = self.require(fields, "keypoints", node, what)
        if answer is None or keypoints_node is None:
            return None
        if not isinstance(keypoints_node, yaml.SequenceNode) or not keypoints_node.value:
            self.error(keypoints_node, '"keypoints" must be a non-empty list')
            return None
        keypoints = tuple(self.keypoint(item) for item in keypoints_node.value)
        if not all(point.forms or point.says for point in keypoints):
            return None
        kind = self.text(fields.get("kind"), '"kind"')
        if kind is not None and kind not in FREE_TEXT_KINDS:
            self.error(fields["kind"], f'"kind" must be one of {"、".join(FREE_TEXT_KINDS)}, not "{kind}"')
            kind = None
        return dict(answer=answer, keypoints=keypoints, kind=kind)

    _essay = _short

    def keypoint(self, node: yaml.Node) -> KeyPoint:
        """A key point: a phrase or alternatives, or a mapping with `term`, `says` and `label`."""
        if not isinstance(node, yaml.MappingNode):
            return KeyPoint(phrases=self.alternatives(node, "a keypoint"))
        fields = self.fields(node, "a keypoint", KEYPOINT_KEYS)
        if fields is None:
            return KeyPoint()
        term = self.alternatives(fields["term"], '"term"') if "term" in fields else ()
        says_node = fields.get("says")
        says: tuple[tuple[str, ...], ...] = ()
        if says_node is not None:
            if not isinstance(says_node, yaml.SequenceNode) or not says_node.value:
                self.error(says_node, '"says" must be a non-empty list of phrase groups')
            else:
                says = tuple(self.alternatives(group, 'a group in "says"') for group in says_node.value)
                if not all(says):
                    says = ()
        if not says and not term:
            self.error(node, 'a keypoint mapping needs "says" (and usually "term")')
        return KeyPoint(term=term, says=says, label_text=self.text(fields.get("label"), '"label"'))

    def _match(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        pairs_node = self.require(fields, "pairs", node, "a match question")
        if pairs_node is None:
            return None
        if not isinstance(pairs_node, yaml.SequenceNode):
            self.error(pairs_node, f'"pairs" must be a list of [left, right] pairs, not {describe_node(pairs_node)}')
            return None
        pairs: list[tuple[str, str]] = []
        for item in pairs_node.value:
            sides = self.texts(item, "a pair") if isinstance(item, yaml.SequenceNode) else ()
            if len(sides) != 2:
                self.error(item, "each pair is a list of exactly two texts: [left, right]")
                return None
            pairs.append((sides[0], sides[1]))
        if not MIN_PAIRS <= len(pairs) <= MAX_PAIRS:
            self.error(pairs_node, f"a match question needs {MIN_PAIRS} to {MAX_PAIRS} pairs, not {len(pairs)}")
            return None
        distractors = self.texts(fields.get("distractors"), '"distractors"')
        for side, items in (("left", [left for left, _ in pairs]), ("right", [right for _, right in pairs] + list(distractors))):
            duplicates = sorted({item for item in items if items.count(item) > 1})
            if duplicates:
                self.error(pairs_node, f"{side}-hand items must differ; repeated: {'、'.join(duplicates)}")
                return None
        return dict(pairs=tuple(pairs), distractors=distractors)

    @staticmethod
    def _type_of(node: yaml.MappingNode) -> str:
        return next((v.value for k, v in node.value if k.value == "type"), "")

    @staticmethod
    def _id_of(node: yaml.Node) -> str:
        assert isinstance(node, yaml.MappingNode)
        return next((str(v.value) for k, v in node.value if k.value == "id"), "")

    def _numeric(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        has_answer, has_formula = "answer" in fields, "formula" in fields
        if has_answer == has_formula:
            self.error(node, 'a numeric question needs exactly one of "answer" and "formula"')
            return None
        params = self.params(fields.get("params"))
        if params is None:
            return None
        names = {p.name for p in params}
        result: dict = dict(params=params)
        if has_answer:
            result["answer"] = self.number(fields["answer"], '"answer"')
            if result["answer"] is None:
                return None
        else:
            formula_text = self.text(fields["formula"], '"formula"')
            if formula_text is None:
                return None
            try:
                formula = parse_formula(formula_text)
            except FormulaError as error:
                self.error(fields["formula"], str(error))
                return None
            undeclared = sorted(formula.names - names)
            if undeclared:
                self.error(fields["formula"], f'formula uses undeclared param "{undeclared[0]}"{suggest(undeclared[0], names)}')
                return None
            result["formula"] = formula
        used = set(PLACEHOLDER_RE.findall(prompt))
        for name in sorted(used - names):
            self.error(fields["prompt"], f'prompt shows {{{name}}} but there is no param "{name}"')
        for param in params:
            if param.name not in used:
                self.error(fields["params"], f'param "{param.name}" is never shown in the prompt; write {{{param.name}}} there')
        if used - names or names - used:
            return None
        problem = parameter_space_problem(
            NumericQuestion(
                id=self._id_of(node), prompt=prompt, location=self.location(node), params=params, formula=result.get("formula"), answer=result.get("answer")
            )
        )
        if problem:
            self.error(fields.get("formula") or fields.get("params") or node, problem)
            return None
        tolerance = self.tolerance(fields.get("tolerance"))
        if tolerance is None:
            return None
        result["tolerance"] = tolerance
        result["unit"] = self.text(fields.get("unit"), '"unit"')
        accept_node = fields.get("accept")
        if isinstance(accept_node, yaml.MappingNode):
            accept: dict[float, tuple[str, ...]] = {}
            for key_node, value_node in accept_node.value:
                value = self.number(key_node, 'a key of "accept"')
                forms = self.texts(value_node, '"accept"')
                if value is not None and forms:
                    accept[value] = forms
            result["accept"] = accept
        else:
            result["accept_always"] = self.texts(accept_node, '"accept"')
        return result

    def params(self, node: yaml.Node | None) -> tuple[Param, ...] | None:
        """A numeric question's params: each a [min, max] integer range or a list of values."""
        if node is None:
            return ()
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f'"params" must be a mapping of names to ranges, not {describe_node(node)}')
            return None
        params: list[Param] = []
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
            if not PARAM_NAME_RE.match(name):
                self.error(key_node, f'param name "{name}" is not valid: use letters, digits and _')
                return None
            if not isinstance(value_node, yaml.SequenceNode) or not value_node.value:
                self.error(value_node, f'param "{name}" must be a [min, max] range or a list of values')
                return None
            values = [self.number(item, f'a value of param "{name}"') for item in value_node.value]
            if None in values:
                return None
            if len(values) == 2 and all(v.is_integer() for v in values):  # type: ignore[union-attr]
                low, high = int(values[0]), int(values[1])  # type: ignore[arg-type]
                if low > high:
                    self.error(value_node, f'param "{name}" has min {low} greater than max {high}')
                    return None
                params.append(Param(name, low=low, high=high))
            else:
                params.append(Param(name, values=tuple(values)))  # type: ignore[arg-type]
        return tuple(params)

    def tolerance(self, node: yaml.Node | None) -> Tolerance | None:
        """An absolute number or a relative "N%" tolerance."""
        if node is None:
            return Tolerance()
        if isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG:
            match = PERCENT_RE.match(node.value)
            if match:
                return Tolerance(float(match.group(1)) / 100, relative=True)
            self.error(node, f'tolerance "{node.value}" must be a number or a percentage like "1%"')
            return None
        value = self.number(node, '"tolerance"')
        if value is None:
            return None
        if value < 0:
            self.error(node, "tolerance cannot be negative")
            return None
        return Tolerance(value)


def parse_chapter_file(path: Path) -> tuple[Chapter | None, list[Problem]]:
    """One chapter file, parsed, with the problems found in it alone."""
    problems: list[Problem] = []
    root = read_yaml_file(path, problems)
    if root is None:
        return None, problems
    try:
        chapter = ChapterParser(path, problems).parse(root)
    except RecursionError:
        problems.append(Problem(path, 0, "error", "YAML is nested too deeply"))
        chapter = None
    return chapter, cap_problems(path, problems)

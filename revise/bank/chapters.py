"""Parsing one chapter file into concepts and questions."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from revise.bank.formula import FormulaError, parse_formula
from revise.bank.model import (
    BLANK_RE,
    FREE_TEXT_KINDS,
    PLACEHOLDER_RE,
    QUESTION_CLASSES,
    QUESTION_TYPES,
    TYPE_LABELS,
    Chapter,
    Concept,
    KeyPoint,
    Member,
    Param,
    Question,
    Tolerance,
    letter,
)
from revise.bank.params import param_range_problem
from revise.bank.yaml_hints import strip_ime_quotes
from revise.bank.yaml_source import (
    STR_TAG,
    NodeReader,
    Problem,
    cap_problems,
    describe_node,
    read_yaml_file,
    suggest,
)

CONCEPT_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
QUESTION_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
PARAM_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
OPTION_PREFIX_RE = re.compile(r"[A-Ha-hＡ-Ｈａ-ｈ][.．、:：)）]\s*")
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
        fields = self.fields(root, "章节文件", CHAPTER_KEYS)
        if fields is None:
            return None
        title = self.text(self.require(fields, "chapter", root, "章节文件"), "“chapter”")
        # Without a title the chapter is unusable, but its questions are still checked.
        chapter = Chapter(title=title or self.path.stem, path=self.path)
        chapter.order = self.number(fields.get("order"), "“order”")
        chapter.source = self.text(fields.get("source"), "“source”")
        for item in self.sequence(fields.get("concepts"), "“concepts”"):
            concept = self.concept(item, chapter)
            if concept is not None:
                chapter.concepts.append(concept)
        for item in self.sequence(fields.get("questions"), "“questions”"):
            question = self.question(item, chapter)
            if question is not None:
                chapter.questions.append(question)
        return chapter if title is not None else None

    def concept(self, node: yaml.Node, chapter: Chapter) -> Concept | None:
        """One concept entry."""
        fields = self.fields(node, "概念", CONCEPT_KEYS)
        if fields is None:
            return None
        concept_id = self.identifier(self.require(fields, "id", node, "概念"), CONCEPT_ID_RE, "概念 id")
        name = self.text(self.require(fields, "name", node, "概念"), "“name”")
        if concept_id is None or name is None:
            return None
        members = tuple(member for item in self.sequence(fields.get("members"), "“members”") if (member := self.member(item)))
        return Concept(
            id=concept_id,
            name=name,
            location=self.location(node),
            chapter=chapter.title,
            summary=self.text(fields.get("summary"), "“summary”"),
            ordered=self.boolean(fields.get("ordered"), "“ordered”", False),
            members=members,
            confusable=self.texts(fields.get("confusable"), "“confusable”"),
            source=self.text(fields.get("source"), "“source”") or chapter.source,
            ref=self.text(fields.get("ref"), "“ref”"),
        )

    def member(self, node: yaml.Node) -> Member | None:
        """One member of a concept: a text, or a mapping with `term`."""
        if isinstance(node, yaml.ScalarNode):
            term = self.text(node, "成员")
            return Member(term) if term else None
        fields = self.fields(node, "成员", MEMBER_KEYS)
        if fields is None:
            return None
        term = self.text(self.require(fields, "term", node, "成员"), "“term”")
        if term is None:
            return None
        return Member(
            term=term,
            accept=self.texts(fields.get("accept"), "“accept”"),
            en=self.text(fields.get("en"), "“en”"),
            note=self.text(fields.get("note"), "“note”"),
        )

    # -- questions ---------------------------------------------------------

    def question(self, node: yaml.Node, chapter: Chapter) -> Question | None:
        """One question of any type."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"题目应该是一组字段（键: 值），而不是{describe_node(node)}")
            return None
        # Every id written is recorded before anything else can fail, so that a duplicate
        # is reported even while its first copy has another problem.
        declared = self._id_of(node)
        if declared:
            chapter.declared_ids.append((declared, self.location(node)))
        type_node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "type"), None)
        if type_node is None:
            self.error(node, "题目缺少必填字段“type”")
            return None
        qtype = self.text(type_node, "“type”")
        if qtype is None:
            return None
        if qtype not in QUESTION_TYPES:
            hint = suggest(qtype, QUESTION_TYPES) or f"（可用的题型：{'、'.join(QUESTION_TYPES)}）"
            self.error(type_node, f"没有“{qtype}”这种题型{hint}")
            return None
        others = {t: keys for t, keys in TYPE_KEYS.items() if t != qtype}
        fields = self.fields(node, TYPE_LABELS[qtype], COMMON_KEYS + TYPE_KEYS[qtype], others)
        if fields is None:
            return None
        what = TYPE_LABELS[qtype]
        question_id = self.identifier(self.require(fields, "id", node, what), QUESTION_ID_RE, "题目 id")
        prompt = self.text(self.require(fields, "prompt", node, what), "“prompt”")
        if question_id is None or prompt is None:
            return None
        common: dict[str, Any] = dict(
            id=question_id,
            prompt=prompt,
            location=self.location(node),
            chapter=chapter.title,
            concept=self.text(fields.get("concept"), "“concept”"),
            explanation=self.text(fields.get("explanation"), "“explanation”"),
            source=self.text(fields.get("source"), "“source”") or chapter.source,
            ref=self.text(fields.get("ref"), "“ref”"),
            tags=self.texts(fields.get("tags"), "“tags”"),
            reject=self.texts(fields.get("reject"), "“reject”"),
        )
        specific = getattr(self, f"_{qtype}")(fields, node, prompt)
        if specific is None:
            return None
        return QUESTION_CLASSES[qtype](**common, **specific)

    def _fill(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        answer = self.require(fields, "answer", node, "填空题")
        if answer is None:
            return None
        if isinstance(answer, yaml.SequenceNode):
            blanks = tuple(self.alternatives(item, "答案的一项") for item in answer.value)
        else:
            blanks = (self.alternatives(answer, "“answer”"),)
        if not blanks or not all(blanks):
            if not blanks:
                self.error(answer, "“answer”是空列表")
            return None
        accept = self.texts(fields.get("accept"), "“accept”")
        if accept:
            if len(blanks) > 1:
                self.error(fields["accept"], "“accept”只用于只有一个空的填空题；多个空时，请把其他写法写进每个空的答案列表里")
            else:
                blanks = (blanks[0] + accept,)
        count = len(BLANK_RE.findall(prompt))
        if count == 0:
            self.error(fields["prompt"], "填空题的题干里没有空；每个空写成 ____（两个以上下划线）")
            return None
        if count != len(blanks):
            self.error(
                answer,
                f"prompt has {count} blank{'s' * (count != 1)} but there {'are' if len(blanks) != 1 else 'is'} {len(blanks)} answer{'s' * (len(blanks) != 1)}",
            )
            return None
        return dict(blanks=blanks, any_order=self.boolean(fields.get("any_order"), "“any_order”", False))

    def options(self, fields: dict[str, yaml.Node], node: yaml.Node, what: str) -> tuple[str, ...] | None:
        """A choice question's options, checked for count and duplicates."""
        options_node = self.require(fields, "options", node, what)
        if options_node is None:
            return None
        if not isinstance(options_node, yaml.SequenceNode):
            self.error(options_node, f"“options”应该是列表，而不是{describe_node(options_node)}")
            return None
        read = [self.text(item, f"选项 {letter(i)}") for i, item in enumerate(options_node.value)]
        options = [option for option in read if option is not None]
        if len(options) != len(read):
            return None
        if not 2 <= len(options) <= MAX_OPTIONS:
            self.error(options_node, f"选择题要有 2 到 {MAX_OPTIONS} 个选项，这里有 {len(options)} 个")
            return None
        if all(OPTION_PREFIX_RE.match(option) for option in options) and [unicodedata.normalize("NFKC", option)[0].upper() for option in options] == [
            letter(i) for i in range(len(options))
        ]:
            self.error(options_node, "选项不要自带“A.”“B.”这样的前缀，系统会自动加上字母；请删掉每个选项前面的字母和点")
            return None
        seen: dict[str, int] = {}
        for index, option in enumerate(options):
            if option in seen:
                self.error(options_node.value[index], f"选项 {letter(index)}“{option}”和选项 {letter(seen[option])} 重复了")
                return None
            seen[option] = index
        return tuple(options)

    def letters(self, node: yaml.Node | None, options: tuple[str, ...]) -> list[int] | None:
        """Answer letters as option indexes, each checked to be in range.

        Full-width letters and a trailing "." are read as the teacher meant them; an
        answer written as an option's text is explained, not reported as a bad letter.
        """
        raw = self.text(node, "“answer”")
        if raw is None:
            return None
        if raw in options:
            self.error(node, f"答案要写选项字母，不是选项内容：“{raw}”是选项 {letter(options.index(raw))}，请写成 answer: {letter(options.index(raw))}")
            return None
        folded = unicodedata.normalize("NFKC", strip_ime_quotes(raw)).upper()
        letters = [ch for ch in folded if ch not in " ,、，.;；"]
        if any(not ("A" <= ch <= "Z") for ch in letters):
            self.error(node, f"答案“{raw}”里有不是选项字母的字符；答案只写选项字母，例如 B 或 ACD")
            return None
        indexes: list[int] = []
        last = letter(len(options) - 1)
        for ch in letters:
            index = ord(ch) - ord("A")
            if not 0 <= index < len(options):
                self.error(node, f"答案“{ch}”超出了范围：只有 {len(options)} 个选项（A-{last}）")
                return None
            if index in indexes:
                self.error(node, f"答案字母“{ch}”写了两次")
                return None
            indexes.append(index)
        if not indexes:
            self.error(node, "“answer”里没有选项字母")
            return None
        return indexes

    def _choice(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        options = self.options(fields, node, "单项选择题")
        answer_node = self.require(fields, "answer", node, "单项选择题")
        if options is None or answer_node is None:
            return None
        indexes = self.letters(answer_node, options)
        if indexes is None:
            return None
        if len(indexes) > 1:
            self.error(answer_node, "单项选择题只有一个答案字母；有几个正确答案时请用 type: multi（多项选择题）")
            return None
        return dict(options=options, answer=indexes[0], shuffle=self.boolean(fields.get("shuffle"), "“shuffle”", True))

    def _multi(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        options = self.options(fields, node, "多项选择题")
        answer_node = self.require(fields, "answer", node, "多项选择题")
        if options is None or answer_node is None:
            return None
        indexes = self.letters(answer_node, options)
        if indexes is None:
            return None
        return dict(
            options=options,
            answer=frozenset(indexes),
            partial=self.boolean(fields.get("partial"), "“partial”", True),
            shuffle=self.boolean(fields.get("shuffle"), "“shuffle”", True),
        )

    def _truefalse(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        answer = self.require(fields, "answer", node, "判断题")
        if answer is None:
            return None
        return dict(answer=self.boolean(answer, "“answer”", True))

    def _judge(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        answer_node = self.require(fields, "answer", node, "判断并改错题")
        if answer_node is None:
            return None
        answer = self.boolean(answer_node, "“answer”", True)
        corrections = self.texts(fields.get("correction"), "“correction”")
        if not answer and not corrections:
            self.error(answer_node, "判断并改错题的答案是 false（错），但没有给出“correction”（改正）")
            return None
        return dict(answer=answer, corrections=corrections)

    def _short(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        what = TYPE_LABELS.get(self._type_of(node), "题目")
        answer = self.text(self.require(fields, "answer", node, what), "“answer”")
        keypoints_node = self.require(fields, "keypoints", node, what)
        if answer is None or keypoints_node is None:
            return None
        if not isinstance(keypoints_node, yaml.SequenceNode) or not keypoints_node.value:
            self.error(keypoints_node, "“keypoints”应该是不为空的列表")
            return None
        keypoints = tuple(self.keypoint(item) for item in keypoints_node.value)
        if not all(point.forms or point.says for point in keypoints):
            return None
        kind = self.text(fields.get("kind"), "“kind”")
        if kind is not None and kind not in FREE_TEXT_KINDS:
            self.error(fields["kind"], f"“kind”只能是{'、'.join(FREE_TEXT_KINDS)}，不能是“{kind}”")
            kind = None
        return dict(answer=answer, keypoints=keypoints, kind=kind)

    _essay = _short

    def keypoint(self, node: yaml.Node) -> KeyPoint:
        """A key point: a phrase or alternatives, or a mapping with `term`, `says` and `label`."""
        if not isinstance(node, yaml.MappingNode):
            return KeyPoint(phrases=self.alternatives(node, "要点"))
        fields = self.fields(node, "要点", KEYPOINT_KEYS)
        if fields is None:
            return KeyPoint()
        term = self.alternatives(fields["term"], "“term”") if "term" in fields else ()
        says_node = fields.get("says")
        says: tuple[tuple[str, ...], ...] = ()
        if says_node is not None:
            if not isinstance(says_node, yaml.SequenceNode) or not says_node.value:
                self.error(says_node, "“says”应该是不为空的列表，每一项是一组说法")
            else:
                says = tuple(self.alternatives(group, "“says”的一组说法") for group in says_node.value)
                if not all(says):
                    says = ()
        if not says and not term:
            self.error(node, "写成字段形式的要点需要“says”（通常还要“term”）")
        return KeyPoint(term=term, says=says, label_text=self.text(fields.get("label"), "“label”"))

    def _match(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        pairs_node = self.require(fields, "pairs", node, "配对题")
        if pairs_node is None:
            return None
        if not isinstance(pairs_node, yaml.SequenceNode):
            self.error(pairs_node, f"“pairs”应该是 [左, 右] 配对的列表，而不是{describe_node(pairs_node)}")
            return None
        pairs: list[tuple[str, str]] = []
        for item in pairs_node.value:
            sides = self.texts(item, "一组配对") if isinstance(item, yaml.SequenceNode) else ()
            if len(sides) != 2:
                self.error(item, "每组配对是正好两项文字的列表：[左, 右]")
                return None
            pairs.append((sides[0], sides[1]))
        if not MIN_PAIRS <= len(pairs) <= MAX_PAIRS:
            self.error(pairs_node, f"配对题要有 {MIN_PAIRS} 到 {MAX_PAIRS} 组配对，这里有 {len(pairs)} 组")
            return None
        distractors = self.texts(fields.get("distractors"), "“distractors”")
        for side, items in (("左边", [left for left, _ in pairs]), ("右边", [right for _, right in pairs] + list(distractors))):
            duplicates = sorted({item for item in items if items.count(item) > 1})
            if duplicates:
                self.error(pairs_node, f"{side}的各项不能重复；重复的有：{'、'.join(duplicates)}")
                return None
        return dict(pairs=tuple(pairs), distractors=distractors)

    @staticmethod
    def _type_of(node: yaml.Node) -> str:
        assert isinstance(node, yaml.MappingNode)
        return next((str(v.value) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "type"), "")

    @staticmethod
    def _id_of(node: yaml.Node) -> str:
        assert isinstance(node, yaml.MappingNode)
        return next((str(v.value) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "id" and isinstance(v, yaml.ScalarNode)), "")

    def _numeric(self, fields: dict[str, yaml.Node], node: yaml.Node, prompt: str) -> dict | None:
        has_answer, has_formula = "answer" in fields, "formula" in fields
        if has_answer == has_formula:
            self.error(node, "计算题要有“answer”或“formula”，而且只能有其中一个")
            return None
        params = self.params(fields.get("params"))
        if params is None:
            return None
        names = {p.name for p in params}
        result: dict = dict(params=params)
        if has_answer:
            result["answer"] = self.number(fields["answer"], "“answer”")
            if result["answer"] is None:
                return None
        else:
            formula_text = self.text(fields["formula"], "“formula”")
            if formula_text is None:
                return None
            try:
                formula = parse_formula(formula_text)
            except FormulaError as error:
                self.error(fields["formula"], str(error))
                return None
            undeclared = sorted(formula.names - names)
            if undeclared:
                self.error(fields["formula"], f"公式用了没有声明的参数“{undeclared[0]}”{suggest(undeclared[0], names)}")
                return None
            result["formula"] = formula
        used = set(PLACEHOLDER_RE.findall(prompt))
        for name in sorted(used - names):
            self.error(fields["prompt"], f"题干里有 {{{name}}}，但没有参数“{name}”")
        for param in params:
            if param.name not in used:
                self.error(fields["params"], f"参数“{param.name}”没有在题干里出现；请在题干里写上 {{{param.name}}}")
        if used - names or names - used:
            return None
        for param in params:
            range_problem = param_range_problem(param)
            if range_problem:
                self.error(fields["params"], range_problem)
                return None
        tolerance = self.tolerance(fields.get("tolerance"))
        if tolerance is None:
            return None
        result["tolerance"] = tolerance
        unit = self.text(fields.get("unit"), "“unit”")
        if unit is not None and strip_ime_quotes(unit) != unit:
            self.warning(fields["unit"], f"单位不用加引号：请写成 unit: {strip_ime_quotes(unit)}")
            unit = strip_ime_quotes(unit)
        result["unit"] = unit
        accept_node = fields.get("accept")
        if isinstance(accept_node, yaml.MappingNode):
            accept: dict[float, tuple[str, ...]] = {}
            for key_node, value_node in accept_node.value:
                value = self.number(key_node, "“accept”的键")
                forms = self.texts(value_node, "“accept”")
                if value is not None and forms:
                    accept[value] = forms
            result["accept"] = accept
        else:
            result["accept_always"] = self.texts(accept_node, "“accept”")
        return result

    def params(self, node: yaml.Node | None) -> tuple[Param, ...] | None:
        """A numeric question's params: each a [min, max] integer range or a list of values."""
        if node is None:
            return ()
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"“params”应该是“参数名: 范围”的一组字段，而不是{describe_node(node)}")
            return None
        params: list[Param] = []
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
            if not PARAM_NAME_RE.match(name):
                self.error(key_node, f"参数名“{name}”不合规则：只能用字母、数字和 _")
                return None
            if not isinstance(value_node, yaml.SequenceNode) or not value_node.value:
                self.error(value_node, f"参数“{name}”应该是 [最小值, 最大值] 的范围，或者一组取值")
                return None
            read = [self.number(item, f"参数“{name}”的取值") for item in value_node.value]
            values = [value for value in read if value is not None]
            if len(values) != len(read):
                return None
            if len(values) == 2 and all(v.is_integer() for v in values):
                low, high = int(values[0]), int(values[1])
                if low > high:
                    self.error(value_node, f"参数“{name}”的最小值 {low} 比最大值 {high} 还大")
                    return None
                params.append(Param(name, low=low, high=high))
            else:
                params.append(Param(name, values=tuple(values)))
        return tuple(params)

    def tolerance(self, node: yaml.Node | None) -> Tolerance | None:
        """An absolute number or a relative "N%" tolerance."""
        if node is None:
            return Tolerance()
        if isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG:
            match = PERCENT_RE.match(node.value)
            if match:
                return Tolerance(float(match.group(1)) / 100, relative=True)
            self.error(node, f"误差“{node.value}”应该是数字，或者像“1%”这样的百分比")
            return None
        value = self.number(node, "“tolerance”")
        if value is None:
            return None
        if value < 0:
            self.error(node, "误差不能是负数")
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
        problems.append(Problem(path, 0, "error", "YAML 嵌套太深"))
        chapter = None
    return chapter, cap_problems(path, problems)

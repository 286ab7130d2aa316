"""Mock-exam paper blueprints: parsing, validation against the bank, and drawing a paper.

A blueprint (``question_bank/papers/*.yaml``) says how many questions of each
type a paper has, their points, the time allowed and optional weights per
chapter. Drawing is random but reproducible: the same paper and seed always
give the same questions and the same numbers in numeric questions.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

from revise.bank.model import (
    FREE_TEXT_KINDS,
    QUESTION_TYPES,
    TYPE_LABELS,
    Bank,
    ChoiceQuestion,
    FillQuestion,
    JudgeQuestion,
    MatchQuestion,
    MultiQuestion,
    Paper,
    Question,
    Section,
)
from revise.bank.params import UndrawableError, draw_params, render_prompt
from revise.bank.shuffle import option_order, shown_letters
from revise.bank.yaml_source import NodeReader, Problem, read_yaml_file, suggest

PAPER_KEYS = ("id", "title", "minutes", "sections", "chapters", "description", "exclude_tags", "rounding")
SECTION_KEYS = ("title", "type", "count", "points", "kind")
# Bounds that keep a blueprint sane (a 10^10-minute paper or a 10^6-question section is a typo).
MAX_MINUTES = 600
MAX_SECTION_COUNT = 200
MAX_POINTS = 100
PAPER_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
# Every mark on a paper is a multiple of its `rounding` (half a point unless the paper says otherwise).
DEFAULT_ROUNDING = 0.5
MAX_ROUNDING = 10

# -- marks: the one place partial credit and rounding are defined ---------------------------------------

# How a partly right answer earns points, per question type, in the words printed on papers and shown in the app.
# The grader (revise.grading) computes the share; these sentences say what it does.
PARTIAL_CREDIT: dict[str, str] = {
    "fill": "每空分值相同，按答对的空数给分",
    "choice": "选对得满分，选错不得分",
    "multi": "全对得满分；少选按选对的比例给分（注明少选不得分的除外）；错选不得分",
    "truefalse": "判断正确得满分，否则不得分",
    "judge": "判断对且改正对得满分；只判断对得一半；判断错不得分",
    "short": "按答到的要点比例给分（自动评分，可自行调整）",
    "essay": "按答到的要点比例给分（自动评分，可自行调整）",
    "numeric": "结果在允许误差内得满分，否则不得分",
    "match": "每组配对分值相同，按配对正确的组数给分",
}


def _decimal(value: float) -> Decimal:
    return Decimal(repr(round(float(value), 6)))


def is_mark(points: float, step: float) -> bool:
    """True when `points` is a whole number of `step`s (2.5 with step 0.5; not 2.3)."""
    return _decimal(points) % _decimal(step) == 0


def round_mark(fraction: float, points: float, step: float = DEFAULT_ROUNDING) -> float:
    """The points a `fraction` of a question worth `points` earns: the nearest multiple of `step` (halves round up).

    Nothing right stays 0 and all right stays full marks; a partly right
    answer never rounds up to full marks (it gets at most points - step).
    """
    if fraction >= 1:
        return float(points)
    if fraction <= 0:
        return 0.0
    unit, whole = _decimal(step), _decimal(points)
    steps = (_decimal(fraction) * whole / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return float(max(Decimal(0), min(steps * unit, whole - unit)))


def mark_total(marks: list[float]) -> float:
    """The sum of marks, exact (no 26.999999 from adding floats)."""
    return float(sum((_decimal(mark) for mark in marks), Decimal(0)))


def rounding_rule(step: float) -> str:
    """The rounding rule as printed: 每题得分按 0.5 分取整……"""
    return f"每题得分按 {step:g} 分取整（四舍五入；部分答对不会取整成满分）"


def marking_rules(paper: Paper) -> list[str]:
    """The paper's marking rules as printed and shown before an exam: the rounding, then partial credit per type on it."""
    types = list(dict.fromkeys(section.type for section in paper.sections))
    return [rounding_rule(paper.rounding), *(f"{TYPE_LABELS[qtype]}：{PARTIAL_CREDIT[qtype]}" for qtype in types if qtype in PARTIAL_CREDIT)]


@dataclass(frozen=True)
class DrawnQuestion:
    """A question placed on a paper, with its number, section and the numbers shown in it."""

    number: int
    section: int
    question: Question
    points: float
    params: dict[str, float]
    prompt: str
    # Bank indexes of the options (or right-hand match items) in the order printed; () when none.
    order: tuple[int, ...] = ()

    def shown_key(self) -> str:
        """The answer letters as printed on this paper (choice and multi), else ""."""
        if isinstance(self.question, ChoiceQuestion):
            return shown_letters(self.order, {self.question.answer})
        if isinstance(self.question, MultiQuestion):
            return shown_letters(self.order, set(self.question.answer))
        return ""


@dataclass
class DrawnPaper:
    """A concrete paper: the blueprint, the seed, and the questions in order."""

    paper: Paper
    seed: int
    questions: list[DrawnQuestion]
    version: int = 0  # 0 for paper A, 1 for B …: same questions, another order

    @property
    def label(self) -> str:
        """The paper's reference, e.g. final-standard-7 or final-standard-7B."""
        suffix = chr(ord("A") + self.version) if self.version else ""
        return f"{self.paper.id}-{self.seed}{suffix}"

    def section_questions(self, index: int) -> list[DrawnQuestion]:
        """The questions of one section, in order."""
        return [q for q in self.questions if q.section == index]


class PaperParser(NodeReader):
    """Reads a blueprint file with the same typed accessors and messages as chapters."""

    def parse_paper(self, root: yaml.Node) -> Paper | None:
        """The paper in a file, or None when it is unusable; every problem in it is reported."""
        fields = self.fields(root, "试卷", PAPER_KEYS)
        if fields is None:
            return None
        paper_id = self.identifier(self.require(fields, "id", root, "试卷"), PAPER_ID_RE, "试卷 id")
        title = self.text(self.require(fields, "title", root, "试卷"), "“title”")
        minutes = self.number(self.require(fields, "minutes", root, "试卷"), "“minutes”")
        sections_node = self.require(fields, "sections", root, "试卷")
        if minutes is not None and (not 1 <= minutes <= MAX_MINUTES or not minutes.is_integer()):
            self.error(fields["minutes"], f"“minutes”应该是 1 到 {MAX_MINUTES} 之间的整数")
            minutes = None
        # Sections are checked even when the paper's own fields are wrong: one run reports everything.
        read = [self.section(item) for item in self.sequence(sections_node, "“sections”")]
        sections = [section for section in read if section is not None]
        if sections_node is not None and not read:
            self.error(sections_node, "试卷至少要有一个大题（section）")
        weights = self.chapter_weights(fields.get("chapters"))
        rounding = self.rounding(fields.get("rounding"), sections, sections_node)
        if paper_id is None or title is None or minutes is None or not read or len(sections) != len(read) or weights is None or rounding is None:
            return None
        return Paper(
            id=paper_id,
            title=title,
            minutes=int(minutes),
            sections=tuple(sections),
            location=self.location(root),
            chapter_weights=weights,
            description=self.text(fields.get("description"), "“description”"),
            exclude_tags=self.texts(fields.get("exclude_tags"), "“exclude_tags”"),
            rounding=rounding,
        )

    def rounding(self, node: yaml.Node | None, sections: list[Section], sections_node: yaml.Node | None) -> float | None:
        """The paper's rounding step (DEFAULT_ROUNDING when not given); None after an error.

        Each section's points must be a whole number of steps, or full marks could not be written.
        """
        if node is None:
            step = DEFAULT_ROUNDING
        else:
            value = self.number(node, "“rounding”")
            if value is None:
                return None
            if not 0 < value <= MAX_ROUNDING or not is_mark(value, 0.01):
                self.error(node, f"“rounding”（每题得分取整到几分）应该大于 0、不超过 {MAX_ROUNDING}，最多两位小数，例如 0.5 或 1，不能是 {value:g}")
                return None
            step = value
        wrong = [section for section in sections if not is_mark(section.points, step)]
        for section in wrong:
            self.error(
                node if node is not None else sections_node,
                f"大题“{section.title}”每题 {section.points:g} 分，不是取整单位 {step:g} 分的整数倍：请改“points”，或把“rounding”改小",
            )
        return None if wrong else step

    def chapter_weights(self, node: yaml.Node | None) -> dict[str, float] | None:
        """Weights by chapter title; None after an error."""
        weights: dict[str, float] = {}
        if node is None:
            return weights
        if not isinstance(node, yaml.MappingNode):
            self.error(node, "“chapters”应该是“章节标题: 权重”的一组字段")
            return None
        for key_node, value_node in node.value:
            name = self.text(key_node, "章节标题")
            weight = self.number(value_node, f"“{name}”的权重")
            if name is None or weight is None:
                return None
            if weight < 0:
                self.error(value_node, f"“{name}”的权重不能是负数")
                return None
            weights[name] = weight
        return weights

    def section(self, node: yaml.Node) -> Section | None:
        """One section entry."""
        fields = self.fields(node, "大题", SECTION_KEYS)
        if fields is None:
            return None
        title = self.text(self.require(fields, "title", node, "大题"), "“title”")
        qtype = self.text(self.require(fields, "type", node, "大题"), "“type”")
        count = self.number(self.require(fields, "count", node, "大题"), "“count”")
        points = self.number(self.require(fields, "points", node, "大题"), "“points”")
        kind = self.text(fields.get("kind"), "“kind”")
        if qtype is not None and qtype not in QUESTION_TYPES:
            self.error(fields["type"], f"没有“{qtype}”这种题型{suggest(qtype, QUESTION_TYPES)}")
            qtype = None
        if count is not None and (not 1 <= count <= MAX_SECTION_COUNT or not count.is_integer()):
            self.error(fields["count"], f"“count”应该是 1 到 {MAX_SECTION_COUNT} 之间的整数")
            count = None
        if points is not None and not 0 < points <= MAX_POINTS:
            self.error(fields["points"], f"“points”应该大于 0、不超过 {MAX_POINTS}")
            points = None
        if kind is not None and kind not in FREE_TEXT_KINDS:
            self.error(fields["kind"], f"“kind”只能是{'、'.join(FREE_TEXT_KINDS)}，不能是“{kind}”")
            return None
        if title is None or qtype is None or count is None or points is None:
            return None
        return Section(title=title, type=qtype, count=int(count), points=points, kind=kind)


def load_papers(files: list[Path], bank: Bank, problems: list[Problem]) -> dict[str, Paper]:
    """Parse blueprint files and check them against the bank; problems go to `problems`."""
    papers: dict[str, Paper] = {}
    for path in files:
        root = read_yaml_file(path, problems)
        if root is None:
            continue
        paper = PaperParser(path, problems).parse_paper(root)
        if paper is None:
            continue
        first = papers.get(paper.id)
        if first is not None:
            problems.append(Problem(path, paper.location.line, "error", f"试卷 id“{paper.id}”重复了（第一次出现在 {first.location}）"))
        else:
            papers[paper.id] = paper
        check_paper(paper, bank, problems)
    return papers


def is_eligible(question: Question, paper: Paper) -> bool:
    """True when the paper may draw this question (it carries none of the paper's excluded tags)."""
    return not paper.exclude_tags or not set(question.tags) & set(paper.exclude_tags)


def fits_section(question: Question, section: Section) -> bool:
    """True when a question belongs in a section: its type, and its kind (名词解释, 案例分析, or none)."""
    return question.type == section.type and getattr(question, "kind", None) == section.kind


def section_label(section: Section) -> str:
    """How a section's pool is named in messages, e.g. 简答题（名词解释）."""
    label = TYPE_LABELS[section.type]
    return f"{label}（{section.kind}）" if section.kind else label


def check_paper(paper: Paper, bank: Bank, problems: list[Problem]) -> None:
    """Errors for a blueprint the bank cannot fill, and for unknown chapter titles."""
    at = paper.location
    wanted: dict[tuple[str, str | None], int] = {}
    labels: dict[tuple[str, str | None], str] = {}
    for section in paper.sections:
        pool = (section.type, section.kind)
        wanted[pool] = wanted.get(pool, 0) + section.count
        labels[pool] = section_label(section)
    for pool, count in wanted.items():
        kind_section = Section("", pool[0], 1, 1.0, pool[1])
        have = sum(1 for question in bank.questions.values() if fits_section(question, kind_section) and is_eligible(question, paper))
        if count > have:
            problems.append(Problem(at.path, at.line, "error", f"试卷“{paper.id}”要 {count} 道{labels[pool]}，题库里只有 {have} 道，还差 {count - have} 道"))
    titles = [chapter.title for chapter in bank.chapters]
    for name in paper.chapter_weights:
        if name not in titles:
            problems.append(Problem(at.path, at.line, "error", f"试卷“{paper.id}”给不存在的章节“{name}”设了权重{suggest(name, titles)}"))


def allocate(count: int, weights: dict[str, float], available: dict[str, int]) -> dict[str, int]:
    """Split `count` questions over chapters in proportion to their weights, within what each has.

    Largest remainders decide the rounding; what a chapter cannot supply goes to
    the others in proportion to their weights.
    """
    allocation = dict.fromkeys(weights, 0)
    remaining = count
    open_chapters = {name for name, weight in weights.items() if weight > 0 and available.get(name, 0) > 0}
    while remaining > 0 and open_chapters:
        total_weight = sum(weights[name] for name in open_chapters)
        shares = {name: remaining * weights[name] / total_weight for name in open_chapters}
        floors = {name: int(share) for name, share in shares.items()}
        leftover = remaining - sum(floors.values())
        for name in sorted(open_chapters, key=lambda n: (-(shares[n] - floors[n]), n))[:leftover]:
            floors[name] += 1
        for name, extra in floors.items():
            room = available.get(name, 0) - allocation[name]
            granted = min(extra, room)
            allocation[name] += granted
            remaining -= granted
            if allocation[name] >= available.get(name, 0):
                open_chapters.discard(name)
    return allocation


# Answers shorter than this are too common to count as printed elsewhere (e.g. 对, 4P).
MIN_LEAK_CHARS = 2


def _squash(text: str) -> str:
    return "".join(text.lower().split())


def answer_forms(question: Question) -> list[str]:
    """The texts whose appearance elsewhere on a paper gives this question's answer away."""
    if isinstance(question, FillQuestion):
        forms = [form for blank in question.blanks for form in blank]
    elif isinstance(question, JudgeQuestion):
        forms = list(question.corrections)
    elif isinstance(question, ChoiceQuestion) and 0 <= question.answer < len(question.options):
        forms = [question.options[question.answer]]
    else:
        forms = []
    return [squashed for form in forms if len(squashed := _squash(form)) >= MIN_LEAK_CHARS]


def printed_text(question: Question, prompt: str) -> str:
    """Everything a paper prints for a question: its prompt, options and match items (squashed for searching)."""
    parts = [prompt]
    if isinstance(question, (ChoiceQuestion, MultiQuestion)):
        parts += question.options
    if isinstance(question, MatchQuestion):
        parts += [*question.lefts, *question.rights]
    return _squash(" ".join(parts))


def leaks(question: Question, prompt: str, drawn: list[DrawnQuestion]) -> bool:
    """True when this question's answer is printed in a drawn question, or a drawn question's answer in this one."""
    own_text = printed_text(question, prompt)
    own_forms = answer_forms(question)
    for other in drawn:
        other_text = printed_text(other.question, other.prompt)
        if any(form in other_text for form in own_forms) or any(form in own_text for form in answer_forms(other.question)):
            return True
    return False


def draw_paper(paper: Paper, bank: Bank, seed: int, version: int = 0) -> DrawnPaper:
    """The concrete paper for a seed: the same paper and seed always give the same questions.

    Questions are spread over chapters by the paper's weights (evenly when it
    gives none) and never repeat within a paper. A question whose answer is
    printed in a question already drawn is passed over while others remain.
    Options are shuffled per seed (the key follows, see
    :meth:`DrawnQuestion.shown_key`); `version` 1, 2 … reorders the same
    questions within each section and reshuffles their options, for A/B papers.
    """
    rng = random.Random(f"{paper.id}:{seed}")
    chapter_order = {chapter.title: index for index, chapter in enumerate(bank.chapters)}
    weights = paper.chapter_weights or {chapter.title: 1.0 for chapter in bank.chapters}
    used: set[str] = set()
    drawn: list[DrawnQuestion] = []
    for section_index, section in enumerate(paper.sections):
        by_chapter: dict[str, list[Question]] = {}
        for question in bank.questions.values():
            if fits_section(question, section) and question.id not in used and is_eligible(question, paper):
                by_chapter.setdefault(question.chapter, []).append(question)
        available = {name: len(items) for name, items in by_chapter.items()}
        allocation = allocate(section.count, {name: weights.get(name, 0.0) for name in by_chapter}, available)
        if sum(allocation.values()) < section.count:
            # Weighted chapters ran dry: fill from the rest of the bank evenly.
            allocation = allocate(section.count, dict.fromkeys(by_chapter, 1.0), available)
        for name in sorted(by_chapter, key=lambda n: chapter_order.get(n, len(chapter_order))):
            candidates = sorted(by_chapter[name], key=lambda q: q.id)
            rng.shuffle(candidates)
            wanted = allocation.get(name, 0)
            deferred: list[tuple[Question, dict[str, float]]] = []
            for question in candidates:
                if wanted == 0:
                    break
                try:
                    params = draw_params(question, rng)
                except UndrawableError:
                    continue  # validation rules this out; skipping keeps the paper whole
                if leaks(question, render_prompt(question, params), drawn):
                    deferred.append((question, params))
                    continue
                used.add(question.id)
                drawn.append(DrawnQuestion(len(drawn) + 1, section_index, question, section.points, params, render_prompt(question, params)))
                wanted -= 1
            # Only when the chapter has nothing else does a leaking question go on the paper: a full paper comes first.
            for question, params in deferred[:wanted]:
                used.add(question.id)
                drawn.append(DrawnQuestion(len(drawn) + 1, section_index, question, section.points, params, render_prompt(question, params)))
    return arrange(DrawnPaper(paper, seed, drawn), version)


def arrange(paper: DrawnPaper, version: int = 0) -> DrawnPaper:
    """Option orders for every question (seeded by paper, seed, version and question id), and for a later
    version the questions reordered within their sections; questions are renumbered in print order."""
    blueprint = paper.paper
    items = list(paper.questions)
    if version:
        rng = random.Random(f"{blueprint.id}:{paper.seed}:version:{version}")
        by_section: dict[int, list[DrawnQuestion]] = {}
        for item in items:
            by_section.setdefault(item.section, []).append(item)
        items = []
        for index in sorted(by_section):
            group = by_section[index]
            rng.shuffle(group)
            items += group
    arranged = []
    for number, item in enumerate(items, 1):
        order = option_order(item.question, random.Random(f"{blueprint.id}:{paper.seed}:{version}:{item.question.id}"))
        arranged.append(DrawnQuestion(number, item.section, item.question, item.points, item.params, item.prompt, order))
    return DrawnPaper(blueprint, paper.seed, arranged, version)

"""Saved papers: the drawn questions, their order, values and option orders pinned in a YAML file.

Re-printing and marking read the saved file instead of drawing again, so
the paper stays exactly what was handed out even after the bank grows (a
new question would otherwise change what a blueprint and seed draw).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from revise.bank.model import Bank, Location, Paper, Section
from revise.bank.papers import DrawnPaper, DrawnQuestion
from revise.bank.params import render_prompt

FORMAT_VERSION = 1


class SavedPaperError(ValueError):
    """A saved paper that cannot be used with this bank; the message is `file:line: reason` in Chinese."""


def paper_document(paper: DrawnPaper) -> dict:
    """The saved form of a drawn paper."""
    blueprint = paper.paper
    return {
        "saved_paper": FORMAT_VERSION,
        "paper": blueprint.id,
        "title": blueprint.title,
        "minutes": blueprint.minutes,
        "seed": paper.seed,
        "version": paper.version,
        "sections": [
            {"title": s.title, "type": s.type, "count": s.count, "points": s.points, **({"kind": s.kind} if getattr(s, "kind", None) else {})}
            for s in blueprint.sections
        ],
        "questions": [
            {
                "id": d.question.id,
                "section": d.section,
                "points": d.points,
                **({"params": d.params} if d.params else {}),
                **({"order": list(d.order)} if d.order else {}),
            }
            for d in paper.questions
        ],
    }


def save_paper(paper: DrawnPaper, path: Path) -> Path:
    """Write the paper's pinned form to `path`."""
    path.write_text(
        "# 由 revise paper --save 生成：重印和阅卷都用这份固定的试卷\n" + yaml.safe_dump(paper_document(paper), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return path


def load_saved_paper(path: Path, bank: Bank) -> DrawnPaper:
    """The exact paper saved at `path`, with its questions from `bank`; raises SavedPaperError when it cannot be rebuilt."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SavedPaperError(f"{path}: 无法读取：{error.strerror or error}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise SavedPaperError(f"{path}:1: 不是有效的 YAML：{error}") from None
    if not isinstance(data, dict) or data.get("saved_paper") != FORMAT_VERSION:
        raise SavedPaperError(f"{path}:1: 不是 revise paper --save 保存的试卷")
    try:
        sections = tuple(Section(**{k: v for k, v in s.items()}) for s in data["sections"])
        blueprint = Paper(id=str(data["paper"]), title=str(data["title"]), minutes=int(data["minutes"]), sections=sections, location=Location(path, 1))
        questions = []
        for number, item in enumerate(data["questions"], 1):
            question = bank.questions.get(str(item["id"]))
            if question is None:
                raise SavedPaperError(f"{path}:1: 第 {number} 题“{item['id']}”已经不在题库里")
            params = {str(k): float(v) for k, v in (item.get("params") or {}).items()}
            order = tuple(int(i) for i in item.get("order") or ())
            count = len(getattr(question, "options", ()) or getattr(question, "rights", ()))
            if order and sorted(order) != list(range(count)):
                raise SavedPaperError(f"{path}:1: 第 {number} 题“{question.id}”的选项个数变了，保存的顺序不能再用")
            questions.append(DrawnQuestion(number, int(item["section"]), question, float(item["points"]), params, render_prompt(question, params), order))
    except SavedPaperError:
        raise
    except (KeyError, TypeError, ValueError) as error:
        raise SavedPaperError(f"{path}:1: 保存的试卷缺少或写错了字段：{error}") from None
    return DrawnPaper(blueprint, int(data["seed"]), questions, int(data.get("version") or 0))

"""`revise stats`: mastery, what is due, the practice calendar, time spent, mock-exam trends, 判我对 and the exam date; `--fit` fits FSRS.

Everything is printed in Chinese; text from the bank (prompts, chapter and
paper titles) passes through :func:`revise.safetext.one_line` on its way to
the terminal. `--json` prints the same for scripts.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, timezone
from typing import TYPE_CHECKING, Any

from revise.safetext import one_line

if TYPE_CHECKING:
    from revise.bank.model import Bank
    from revise.progress.forecast import AppealCount, Heatmap, PaperTrend, SprintItem, TimeCost, TypeMastery
    from revise.progress.mastery import GroupMastery, Stats
    from revise.progress.optimizer import FitResult, Retention
    from revise.progress.store import Store

HELP = "学习统计：各章和各题型掌握度、未来 7 天到期、练习日历、最花时间的题、模拟考试成绩走势、距考试天数；--fit 拟合个人 FSRS 参数"
SPARK = "▁▂▃▄▅▆▇█"
SPARK_DAYS = 30
HEAT = " ░▒▓█"
SPRINT_SHOWN = 10
PROMPT_COLUMNS = 36
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
EXAM_DATE_SETTING = "exam_date"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `revise stats`."""
    parser.add_argument("--json", action="store_true", help="输出 JSON（供脚本使用），而不是表格")
    parser.add_argument("--top", type=int, default=10, metavar="N", help="列出最常错、最花时间的题各多少道（默认 10）")
    parser.add_argument("--no-drills", action="store_true", help="掌握度和计数中不含按概念自动生成的练习题")
    parser.add_argument("--exam-date", metavar="YYYY-MM-DD", help="考试日期（默认：设置中的考试日期）；据此算剩余天数和考前冲刺题单")
    parser.add_argument("--fit", action="store_true", help="用自己的作答记录拟合 FSRS 参数并保存，报告实际记住的比例与目标记忆率")


@dataclass
class Extras:
    """What `revise stats` shows beyond :class:`~revise.progress.mastery.Stats`."""

    due_ahead: list[tuple[date, int]]
    heatmap: Heatmap
    by_type: list[TypeMastery]
    slowest: list[TimeCost]
    trends: list[PaperTrend]
    retention: Retention
    desired_retention: float
    exam_date: date | None = None
    days_left: int | None = None
    sprint: list[SprintItem] = field(default_factory=list)
    never_answered: int = 0
    appeals: AppealCount | None = None
    # Handed-in attempts left out of the trends (time ran out under the "nocount" rule).
    not_counted: int = 0
    # The prompt of each often-wrong and sprint question as last shown (a calculation with its values filled in).
    shown_prompts: dict[str, str] = field(default_factory=dict)


def run(args: argparse.Namespace) -> int:
    """Print the statistics (or fit FSRS parameters with --fit); exit 1 when the bank or the data dir is unusable."""
    from revise.commands import read_progress_or_report
    from revise.progress.forecast import parse_exam_date
    from revise.progress.mastery import collect_stats, stats_to_json

    if args.top < 0:
        print("revise：--top 不能小于 0", file=sys.stderr)
        return 2
    exam_date: date | None = None
    if args.exam_date is not None:
        try:
            exam_date = parse_exam_date(args.exam_date)
        except ValueError as error:
            print(f"revise：{error}", file=sys.stderr)
            return 2
    if args.fit:
        return _run_fit(args)

    def read(bank: Bank, store: Store) -> tuple[Stats, Extras]:
        stats = collect_stats(bank, store, top=args.top, include_drills=not args.no_drills)
        return stats, collect_extras(bank, store, stats, top=args.top, include_drills=not args.no_drills, exam_date=exam_date)

    read_back = read_progress_or_report(args, read)
    if read_back is None:
        return 1
    _bank, (stats, extras) = read_back
    if args.json:
        data = {**stats_to_json(stats), **extras_to_json(extras)}
        for item in data["most_wrong"]:
            item["prompt"] = extras.shown_prompts.get(item["question_id"], item["prompt"])
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render_text(stats, extras))
    return 0


def _setting(store: Store, key: str) -> Any:
    """A setting's value, or None when this store has no such setting yet."""
    from revise.progress.settings import SETTINGS_DEFAULTS

    return store.get_setting(key) if key in SETTINGS_DEFAULTS else None


def collect_extras(bank: Bank, store: Store, stats: Stats, *, top: int = 10, include_drills: bool = True, exam_date: date | None = None) -> Extras:
    """The statistics beyond mastery.py's: due ahead, the calendar, type mastery, time, trends, retention and the exam date."""
    from revise.bank.drills import practice_questions
    from revise.progress.forecast import (
        count_appeals,
        days_until,
        due_ahead,
        exam_trends,
        last_params,
        mastery_by_type,
        parse_exam_date,
        practice_heatmap,
        shown_prompt,
        sprint_for,
        time_costs,
    )
    from revise.progress.optimizer import achieved_retention, load_answers
    from revise.sessions.exam_report import attempt_rows

    now = stats.now
    questions = practice_questions(bank, include_drills=include_drills)
    desired = float(store.get_setting("desired_retention"))
    if exam_date is None:
        saved = _setting(store, EXAM_DATE_SETTING)
        if saved:
            try:
                exam_date = saved if isinstance(saved, date) else parse_exam_date(str(saved))
            except ValueError:
                exam_date = None  # a hand-edited bad value must not stop the statistics
    log = store.reviews()
    drawn = last_params(log)
    attempts = attempt_rows(store)  # scores rounded as the papers' rules say, old reports included
    extras = Extras(
        due_ahead=due_ahead(store, now, only=questions),
        heatmap=practice_heatmap(store, now),
        by_type=mastery_by_type(stats.mastery.questions, questions),
        slowest=time_costs(log, questions, top),
        trends=exam_trends(attempts, {pid: paper.title for pid, paper in bank.papers.items()}),
        retention=achieved_retention(load_answers(store, log)),
        desired_retention=desired,
        appeals=count_appeals(store.appeals(), log),
        not_counted=sum(1 for row in attempts if row["submitted_at"] is not None and not row.get("counted", True)),
        shown_prompts={w.question_id: shown_prompt(questions[w.question_id], drawn.get(w.question_id)) for w in stats.most_wrong if w.question_id in questions},
    )
    if exam_date is not None:
        extras.exam_date = exam_date
        extras.days_left = days_until(exam_date, now)
        extras.sprint = sprint_for(store, questions, exam_date, now, target=desired)
        extras.never_answered = len(set(questions) - store.seen_ids())
        for item in extras.sprint[:SPRINT_SHOWN]:
            extras.shown_prompts[item.question_id] = shown_prompt(questions[item.question_id], drawn.get(item.question_id))
    return extras


def extras_to_json(extras: Extras) -> dict[str, Any]:
    """A JSON-ready dict of the extras (shares rounded to 4 places)."""
    return {
        "due_next_days": [{"date": day.isoformat(), "due": count} for day, count in extras.due_ahead],
        "calendar": [{"date": day.isoformat(), "answers": count} for day, count in extras.heatmap.days],
        "mastery_by_type": [{**asdict(item), "mastery": round(item.mastery, 4)} for item in extras.by_type],
        "most_time": [
            {
                "question_id": item.question_id,
                "prompt": item.prompt,
                "chapter": item.chapter,
                "type": item.type,
                "answers": item.answers,
                "total_ms": item.total_ms,
            }
            for item in extras.slowest
        ],
        "exam_trends": [
            {
                "paper_id": trend.paper_id,
                "title": trend.title,
                "attempts": [
                    {"id": p.attempt_id, "submitted_at": p.submitted_at.astimezone(timezone.utc).isoformat(), "score": p.score, "max_score": p.max_score}
                    for p in trend.points
                ],
            }
            for trend in extras.trends
        ],
        "appeals": None if extras.appeals is None else {"total": extras.appeals.total, "in_exams": extras.appeals.in_exams},
        "exams_not_counted": extras.not_counted,
        "retention": {
            "desired": extras.desired_retention,
            "achieved": None if extras.retention.achieved is None else round(extras.retention.achieved, 4),
            "review_answers": extras.retention.reviews,
            "recalled": extras.retention.recalled,
        },
        "exam": None
        if extras.exam_date is None
        else {
            "date": extras.exam_date.isoformat(),
            "days_left": extras.days_left,
            "never_answered": extras.never_answered,
            "sprint": [
                {
                    "question_id": s.question_id,
                    "recall_at_exam": round(s.recall_at_exam, 4),
                    "study_on": s.study_on.isoformat(),
                    "chapter": s.chapter,
                    "type": s.type,
                }
                for s in extras.sprint
            ],
        },
    }


# -- --fit -------------------------------------------------------------------------------------------------


def _run_fit(args: argparse.Namespace) -> int:
    """Fit the student's FSRS parameters, save them, and report achieved against desired retention."""
    from revise.commands import open_store_or_report
    from revise.progress.optimizer import NotEnoughReviewsError, can_save_parameters, fit_parameters, load_answers, save_parameters
    from revise.progress.store import StoreError

    store = open_store_or_report(args)
    if store is None:
        return 1
    try:
        with store:
            desired = float(store.get_setting("desired_retention"))
            try:
                result = fit_parameters(load_answers(store), desired_retention=desired)
            except NotEnoughReviewsError as error:
                print(f"revise：{error}", file=sys.stderr)
                return 1
            saved = save_parameters(store, result.parameters) if can_save_parameters() else False
    except StoreError as error:
        print(f"revise：{error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({**result.to_json(), "saved": saved}, ensure_ascii=False, indent=2))
    else:
        print(render_fit(result, saved))
    if not saved:
        print("revise：这个版本的进度库还没有保存个人 FSRS 参数的设置项，参数未保存", file=sys.stderr)
        return 1
    return 0


def render_fit(result: FitResult, saved: bool) -> str:
    """The fit as a student reads it: what it was fitted on, achieved against desired retention, and the parameters."""
    lines = [f"个人 FSRS 参数：根据 {result.answers} 次作答（{result.questions} 道题，{result.training_items} 个训练样本）拟合。"]
    lines.append(retention_line(result.retention, result.desired_retention))
    better = result.fitted_fit.log_loss <= result.default_fit.log_loss
    lines.append(
        f"预测误差（对数损失，越小越好）：默认参数 {result.default_fit.log_loss:.4f}，个人参数 {result.fitted_fit.log_loss:.4f}"
        + ("" if better else "（个人参数没有更好，可以再多练一段时间后重新拟合）")
    )
    lines.append("参数：" + ", ".join(f"{value:g}" for value in result.parameters))
    lines.append("已保存为个人 FSRS 参数。" if saved else "未保存。")
    return "\n".join(lines)


def retention_line(retention: Retention, desired: float) -> str:
    """实际记住的比例 next to the desired retention, in words."""
    if retention.achieved is None:
        return f"实际记住的比例：还没有到期复习的作答（目标记忆率 {percent(desired)}）"
    return (
        f"实际记住的比例：{percent(retention.achieved)}（到期复习 {retention.reviews} 次，"
        f"答对或部分答对 {retention.recalled} 次）；目标记忆率 {percent(desired)}"
    )


# -- text layout -------------------------------------------------------------------------------------------


def width(text: str) -> int:
    """Columns the text takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, columns: int) -> str:
    """The text cut to at most `columns` columns (with … when cut)."""
    if width(text) <= columns:
        return text
    out = ""
    for ch in text:
        if width(out + ch) > columns - 1:
            break
        out += ch
    return out + "…"


def pad(text: str, columns: int, *, right: bool = False) -> str:
    """The text padded with spaces to `columns` columns (left-aligned unless `right`)."""
    text = fit(text, columns)
    gap = " " * (columns - width(text))
    return gap + text if right else text + gap


def percent(value: float) -> str:
    """0.4234 -> '42%'."""
    return f"{value * 100:.0f}%"


def minutes(ms: float) -> str:
    """Milliseconds as m:ss (or h:mm:ss)."""
    seconds = round(ms / 1000)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def sparkline(counts: list[int]) -> str:
    """One character per day: · for none, a taller block for more answers."""
    top = max(counts, default=0)
    if top == 0:
        return "·" * len(counts)
    return "".join("·" if count == 0 else SPARK[min(len(SPARK) - 1, (count * len(SPARK) - 1) // top)] for count in counts)


def _group_row(name: str, group: GroupMastery, name_width: int) -> str:
    cells = [
        pad(one_line(name), name_width),
        pad(str(group.questions), 5, right=True),
        pad(percent(group.mastery), 6, right=True),
        pad(str(group.new), 5, right=True),
        pad(str(group.learning), 6, right=True),
        pad(str(group.due_today), 8, right=True),
        pad(str(group.mastered), 6, right=True),
    ]
    return " ".join(cells)


def render_text(stats: Stats, extras: Extras | None = None) -> str:
    """The statistics as tables for people, in Chinese."""
    report = stats.mastery
    lines: list[str] = []
    name_width = max([width("章节"), *(min(30, width(one_line(g.name))) for g in report.chapters)])
    columns = [("章节", name_width), ("题数", 5), ("掌握度", 6), ("新题", 5), ("学习中", 6), ("今日到期", 8), ("已掌握", 6)]
    header = " ".join(pad(title, size, right=index > 0) for index, (title, size) in enumerate(columns))
    lines += [header, "-" * width(header)]
    lines += [_group_row(group.name, group, name_width) for group in report.chapters]
    lines += ["-" * width(header), _group_row("全部", report.bank, name_width), ""]
    if extras is not None:
        lines += [*_type_lines(extras.by_type), ""]
        lines += [*_due_lines(extras.due_ahead), ""]
        lines += [*_heatmap_lines(extras.heatmap), ""]

    days = stats.answers_per_day
    total = sum(count for _, count in days)
    active = sum(1 for _, count in days if count)
    recent = [count for _, count in days[-SPARK_DAYS:]]
    lines.append(f"连续练习：{stats.streak} 天 · 最近 {len(days)} 天：{active} 天练习，共 {total} 次作答")
    if days:
        lines.append(f"最近 {len(recent)} 天：{sparkline(recent)}（今天 {days[-1][1]} 次）")
    lines.append("")

    overall = stats.accuracy
    lines.append(
        f"正确率：{percent(overall.accuracy)}，共 {overall.answered} 次作答（答对 {overall.correct}，部分对 {overall.partial}，答错 {overall.incorrect}）"
    )
    for item in stats.accuracy_by_type.values():
        lines.append(f"  {pad(item.label, 14)} {pad(percent(item.accuracy), 5, right=True)}，共 {item.answered} 次")
    if extras is not None:
        lines.append(retention_line(extras.retention, extras.desired_retention))
        if extras.appeals is not None:
            in_exams = f"，其中模拟考试成绩单里 {extras.appeals.in_exams} 次" if extras.appeals.in_exams else ""
            lines.append(f"判我对（申诉）：{extras.appeals.total} 次{in_exams}")
    if stats.most_wrong:
        lines += ["", "最常错的题："]
        for entry in stats.most_wrong:
            prompt = extras.shown_prompts.get(entry.question_id, entry.prompt) if extras is not None else entry.prompt
            lines.append(f"  错{entry.incorrect:>3}次 {pad(one_line(entry.question_id), 16)} {fit(one_line(prompt), 32)}（{fit(one_line(entry.chapter), 14)}）")
    if extras is not None:
        if extras.slowest:
            lines += ["", *_slow_lines(extras.slowest)]
        lines += ["", *_trend_lines(extras.trends, extras.not_counted)]
        lines += ["", *_exam_lines(extras)]
    return "\n".join(lines)


def _type_lines(by_type: list[TypeMastery]) -> list[str]:
    lines = ["按题型：", f"  {pad('题型', 14)} {pad('题数', 5, right=True)} {pad('掌握度', 6, right=True)} {pad('已掌握', 6, right=True)}"]
    for item in by_type:
        lines.append(
            f"  {pad(item.label, 14)} {pad(str(item.questions), 5, right=True)} {pad(percent(item.mastery), 6, right=True)} {pad(str(item.mastered), 6, right=True)}"
        )
    return lines


def _due_lines(due: list[tuple[date, int]]) -> list[str]:
    top = max((count for _, count in due), default=0)
    lines = [f"未来 {len(due)} 天到期（今天含已过期）："]
    for index, (day, count) in enumerate(due):
        label = "今天" if index == 0 else "明天" if index == 1 else WEEKDAY_NAMES[day.weekday()]
        bar = "█" * (round(count * 20 / top) if top else 0)
        lines.append(f"  {pad(label, 4)} {day.month:>2}月{day.day:>2}日 {count:>5}  {bar}")
    return lines


def _heatmap_lines(heat: Heatmap) -> list[str]:
    from revise.progress.forecast import heat_level

    weeks = len(heat.weeks)
    lines = [f"练习日历（最近 {weeks} 周：{heat.active_days} 天练习，共 {heat.total} 次作答；颜色越深做得越多）："]
    # A month's number over the column of its first Monday.
    starts = [f"{week[0][0].month:>2}" if week[0] is not None and week[0][0].day <= 7 else "  " for week in heat.weeks]
    lines.append("       " + "".join(starts) + "  （月）")
    for weekday in range(7):
        cells = []
        for week in heat.weeks:
            cell = week[weekday]
            cells.append("  " if cell is None else (HEAT[heat_level(cell[1], heat.busiest)] * 2 if cell[1] else "· "))
        lines.append(f"  {WEEKDAY_NAMES[weekday]} " + "".join(cells))
    return lines


def _slow_lines(slowest: list[TimeCost]) -> list[str]:
    lines = ["最花时间的题（总用时 · 次数 · 平均；单次超过 10 分钟按 10 分钟算）："]
    for item in slowest:
        spent = f"{minutes(item.total_ms):>7} {item.answers:>3}次 均{pad(minutes(item.mean_ms), 5)}"
        lines.append(f"  {spent} {pad(one_line(item.question_id), 16)} {fit(one_line(item.prompt), 30)}")
    return lines


def _trend_lines(trends: list[PaperTrend], not_counted: int = 0) -> list[str]:
    left_out = f"另有 {not_counted} 次时间到未交卷，按规则不计成绩。" if not_counted else ""
    if not trends:
        return [f"模拟考试：还没有计入成绩的交卷。{left_out}"]
    lines = [f"模拟考试成绩走势（按试卷分开；放弃的和不计成绩的不算）：{left_out}"]
    for trend in trends:
        scores = " → ".join(f"{percent(point.percent)}" for point in trend.points[-8:])
        change = trend.change
        since = (
            "" if change is None else f"，比上次{'提高' if change > 0 else '下降' if change < 0 else '持平'}{'' if change == 0 else ' ' + percent(abs(change))}"
        )
        latest, best = trend.latest, trend.best
        lines.append(f"  {one_line(trend.title)}（{len(trend.points)} 次）：{scores}")
        lines.append(f"    最近 {latest.score:g}/{latest.max_score:g}，最好 {best.score:g}/{best.max_score:g}{since}")
    return lines


def _exam_lines(extras: Extras) -> list[str]:
    if extras.exam_date is None or extras.days_left is None:
        return ["考试日期：未设置（在设置中填写，或用 --exam-date 年-月-日）。"]
    day = extras.exam_date
    left = extras.days_left
    when = "就是今天" if left == 0 else f"还有 {left} 天" if left > 0 else f"已过去 {-left} 天"
    lines = [f"考试日期：{day.year}年{day.month}月{day.day}日，{when}。"]
    if left < 0:
        return lines
    sprint = extras.sprint
    unseen = f"；另有 {extras.never_answered} 道题从未做过" if extras.never_answered else ""
    if not sprint:
        lines.append(f"考前冲刺：做过的题到考试那天都能记住目标记忆率 {percent(extras.desired_retention)} 以上{unseen}。")
        return lines
    days = len({item.study_on for item in sprint})
    lines.append(f"考前冲刺：做过的题中有 {len(sprint)} 道到考试那天记忆率会低于 {percent(extras.desired_retention)}{unseen}。")
    lines.append(f"  安排在 {days} 天内复习，每天约 {-(-len(sprint) // days)} 道，最弱的先复习：")
    for item in sprint[:SPRINT_SHOWN]:
        prompt = one_line(extras.shown_prompts.get(item.question_id, ""))
        lines.append(
            f"  {item.study_on.month:>2}月{item.study_on.day:>2}日 考试时约{percent(item.recall_at_exam):>4}  {pad(one_line(item.question_id), 16)} {fit(prompt, 32)}"
        )
    return lines

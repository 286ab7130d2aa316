"""错题本: the questions answered wrong or partly right, to look through, filter, take out, clear, export and redo (错题重做).

The list is read from the store when the screen opens and after each change;
every change (take out, clear, put back) and the export run off the event loop
through :func:`revise.tui.background.in_background`, and the screen says it is
done only once the store has committed (or the file is written).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Label, Select, Static

from revise.bank.model import TYPE_LABELS, ChoiceQuestion, MultiQuestion, NumericQuestion, format_number
from revise.safetext import one_line, show
from revise.tui.background import StoreChanges, in_background
from revise.tui.display import answer_text, explanation_and_source, letters_to_indexes, option_indexes, options_line, options_shown, plain
from revise.tui.messages import StartPractice, report_problem
from revise.tui.widgets.keyfooter import KeyFooter
from revise.tui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from rich.console import JustifyMethod

    from revise.bank.model import Question
    from revise.progress.notebook_edits import NotebookItem
    from revise.progress.store import NotebookEntry
    from revise.tui.services import Services


# Question types in a 4-cell table column.
# Question types in a 4-cell column: the label's first two characters, where those are not already clear.
SHORT_TYPES = {qtype: label[:2] for qtype, label in TYPE_LABELS.items()} | {"choice": "单选", "multi": "多选", "judge": "改错"}
VERDICT_MARKS = {"incorrect": "✗ ", "partial": "～ ", "correct": "✓ "}
EMPTY_TEXT = "错题本是空的。\n\n答错、或只答对一部分的题（比如多选漏选、填空错一空）会自动记在这里；连续答对两次就会移出。\n\n按 p 开始练习，或按 esc 回首页。"
NOTHING_MATCHES = "当前筛选下没有错题。换一个章节或题型试试（f 筛选）。"
# The table's columns after the prompt (heading, width, key); the prompt takes what they leave (DataTable pads each by 2).
COLUMNS = (("题型", 4, "type"), ("答错", 4, "times"), ("最近答错", 10, "when"), ("我的答案", 14, "answer"), ("参考答案", 14, "key"))
FIXED_COLUMNS_WIDTH = sum(width + 2 for _, width, _ in COLUMNS) + 2 + 2  # the prompt's padding, the scrollbar
CSV_HEADER = ("题号", "章节", "题型", "题目", "选项", "我的答案", "参考答案", "答错次数", "最近答错", "加入错题本", "解析")


@dataclass(frozen=True)
class Row:
    """One question of the notebook as the screen shows it: the store's item and the bank's question (None: no longer in the bank)."""

    item: NotebookItem
    question: Question | None

    @property
    def question_id(self) -> str:
        """The question's id."""
        return self.item.question_id

    @property
    def chapter(self) -> str:
        """The chapter title ("" when the question is no longer in the bank)."""
        return self.question.chapter if self.question is not None else ""

    @property
    def type(self) -> str:
        """The question type, from the bank or else from the log."""
        if self.question is not None:
            return self.question.type
        answer = self.item.last_wrong or self.item.last_answer
        return answer.question_type if answer is not None else ""

    @property
    def params(self) -> dict[str, float]:
        """The values drawn when it was last answered wrong (a calculation's prompt and key depend on them)."""
        wrong = self.item.last_wrong
        return dict(wrong.params or {}) if wrong is not None else {}

    def prompt(self) -> str:
        """The prompt as it was shown when answered wrong."""
        if self.question is None:
            return f"（题库里已没有这道题：{self.question_id}）"
        if isinstance(self.question, NumericQuestion) and self.params:
            return self.question.render_prompt(self.params)
        return self.question.prompt

    def options(self) -> str:
        """A choice question's options with their letters, one line ("" for other types)."""
        return options_line(self.question)

    def wrong_answer(self) -> str:
        """The latest wrong (or partly right) answer, options written out with their text."""
        wrong = self.item.last_wrong
        if wrong is None:
            return "—"
        if isinstance(self.question, (ChoiceQuestion, MultiQuestion)):
            chosen = letters_to_indexes(wrong.response)
            if chosen:
                return options_shown(self.question, chosen)
        return wrong.response.strip() or "（未作答）"

    def key(self) -> str:
        """The reference answer as students are shown it; a calculation's value for the numbers it was asked with."""
        question = self.question
        if question is None:
            return "—"
        indexes = option_indexes(question)
        if indexes:
            return options_shown(question, indexes)
        if isinstance(question, NumericQuestion) and question.formula is not None and self.params:
            try:
                return f"{format_number(question.formula.evaluate(self.params))}{question.unit or ''}"
            except ValueError:
                pass  # values the formula cannot take: say how it is computed instead
        return answer_text(question)


def when_text(services: Services, moment: datetime) -> str:
    """When, said briefly in the student's time zone: '今天 09:00', '昨天 21:15', '3天前', '03-02', '2024-12-30'."""
    now = services.clock()
    zone = services.zone(now)
    local, today = moment.astimezone(zone), now.astimezone(zone)
    days = (today.date() - local.date()).days
    if days <= 0:
        return f"今天 {local:%H:%M}"
    if days == 1:
        return f"昨天 {local:%H:%M}"
    if days < 7:
        return f"{days}天前"
    return f"{local:%m-%d}" if local.year == today.year else f"{local:%Y-%m-%d}"


def cell(text: str, justify: JustifyMethod = "left") -> Text:
    """A table cell: one line of literal text, cut with an ellipsis."""
    return Text(one_line(text), no_wrap=True, overflow="ellipsis", justify=justify)


class NotebookTable(DataTable[Text]):
    """The notebook's rows; Enter shows the whole question."""

    BINDINGS = [Binding("enter", "select_cursor", "查看", id="notebook-table.view", tooltip="Show the whole question, your answer and the key")]


class NotebookScreen(Screen[None]):
    """The 错题本 as a table, filterable by chapter and type, with the highlighted question in full below it."""

    DEFAULT_CSS = """
    NotebookScreen #notebook-filters { height: 1; padding: 0 1; }
    NotebookScreen #notebook-filters .field-label { width: auto; padding: 0 1 0 0; }
    NotebookScreen #notebook-chapter { width: 26; margin: 0 2 0 0; }
    NotebookScreen #notebook-type { width: 16; margin: 0 2 0 0; }
    NotebookScreen #notebook-count { width: 1fr; text-align: right; color: $text-muted; }
    NotebookScreen #notebook-table { height: 1fr; }
    NotebookScreen #notebook-detail { height: 7; padding: 0 1; background: $boost; }
    NotebookScreen #notebook-empty { display: none; padding: 1 2; }
    NotebookScreen #notebook-status { height: auto; padding: 0 1; color: $text-success; }
    NotebookScreen.-full #notebook-filters, NotebookScreen.-full #notebook-table { display: none; }
    NotebookScreen.-full #notebook-detail { height: 1fr; }
    NotebookScreen.-empty #notebook-filters, NotebookScreen.-empty #notebook-table, NotebookScreen.-empty #notebook-detail { display: none; }
    NotebookScreen.-empty #notebook-empty { display: block; }
    """

    BINDINGS = [
        Binding("escape", "back", "返回", id="notebook.back", tooltip="Back to the list, or home"),
        Binding("r", "redo", "错题重做", id="notebook.redo", tooltip="Practise the questions listed (as filtered) once through"),
        Binding("d", "remove", "移出", id="notebook.remove", tooltip="Take the highlighted question out of the notebook (its history stays)"),
        Binding("delete", "remove", "移出", id="notebook.delete", show=False, tooltip="Take the highlighted question out of the notebook"),
        Binding("u", "undo", "撤销", id="notebook.undo", tooltip="Put back what was just taken out"),
        Binding("c", "clear", "清空", id="notebook.clear", tooltip="Take every question listed out of the notebook (asks first)"),
        Binding("x", "export", "导出", id="notebook.export", tooltip="Save the questions listed as a CSV for Excel or WPS"),
        Binding("f", "filter", "筛选", id="notebook.filter", tooltip="Filter by chapter and question type"),
        Binding("p", "start_practice", "开始练习", id="notebook.practice", tooltip="Start practising (shown while the notebook is empty)"),
    ]

    AUTO_FOCUS = "#notebook-table"

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.rows: list[Row] = []
        self.shown: list[Row] = []
        self.last_export: Path | None = None
        self._undo: list[NotebookEntry] = []
        self.changes = StoreChanges(self, lambda: self.query_one("#notebook-status", Static), "错题本未保存")

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        yield TitleBar()
        with Horizontal(id="notebook-filters"):
            yield Label("章节", classes="field-label")
            yield Select[str]([], prompt="全部章节", id="notebook-chapter", compact=True)
            yield Label("题型", classes="field-label")
            yield Select[str]([], prompt="全部题型", id="notebook-type", compact=True)
            yield Static(id="notebook-count", markup=False)
        yield NotebookTable(id="notebook-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="notebook-detail"):
            yield Static(id="notebook-detail-text", markup=False)
        yield Static(EMPTY_TEXT, id="notebook-empty", markup=False)
        yield Static(id="notebook-status", classes="hidden", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the notebook and focus the list."""
        self.sub_title = "错题本"
        self.reload()

    # -- reading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the notebook from the store and show it (filters kept where they still apply)."""
        from revise.bank.drills import practice_questions

        questions = practice_questions(self.services.bank)
        self.rows = [Row(item, questions.get(item.question_id)) for item in self.services.store.notebook_items()]
        self.set_class(not self.rows, "-empty")
        table = self.query_one(NotebookTable)
        # An empty list is hidden: it must not hold the focus and lend its keys to the footer.
        table.can_focus = bool(self.rows)
        if not self.rows:
            self.remove_class("-full")
            self.set_focus(None)
        elif self.focused is None:
            table.focus()
        self._fill_filters()
        self.apply_filters()

    def _fill_filters(self) -> None:
        """Offer the chapters and types the notebook holds (with how many), in bank order; keep a choice that still applies."""
        titles = list(dict.fromkeys(chapter.title for chapter in self.services.bank.chapters))
        chapters = [title for title in titles if any(row.chapter == title for row in self.rows)]
        types = [qtype for qtype in TYPE_LABELS if any(row.type == qtype for row in self.rows)]
        for select, values, field, label in (
            (self.query_one("#notebook-chapter", Select), chapters, "chapter", dict(zip(chapters, chapters, strict=True))),
            (self.query_one("#notebook-type", Select), types, "type", TYPE_LABELS),
        ):
            current = select.value
            options = [(Text(f"{one_line(label[value])} ({sum(1 for row in self.rows if getattr(row, field) == value)})"), value) for value in values]
            with select.prevent(Select.Changed):
                select.set_options(options)
                if isinstance(current, str) and current in values:
                    select.value = current

    def filters(self) -> tuple[str | None, str | None]:
        """The chapter and question type chosen (None: all)."""
        chapter = self.query_one("#notebook-chapter", Select).value
        qtype = self.query_one("#notebook-type", Select).value
        return (chapter if isinstance(chapter, str) else None, qtype if isinstance(qtype, str) else None)

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.apply_filters()

    def apply_filters(self) -> None:
        """Show the rows that pass the filters, keeping the cursor near where it was."""
        chapter, qtype = self.filters()
        self.shown = [row for row in self.rows if (chapter is None or row.chapter == chapter) and (qtype is None or row.type == qtype)]
        table = self.query_one(NotebookTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        for heading, width, key in (("题目", max(14, self.app.size.width - FIXED_COLUMNS_WIDTH), "prompt"), *COLUMNS):
            table.add_column(Text(heading), width=width, key=key)
        for row in self.shown:
            mark = VERDICT_MARKS.get(row.item.last_wrong.verdict, "") if row.item.last_wrong else ""
            table.add_row(
                cell(row.prompt()),
                cell(SHORT_TYPES.get(row.type, row.type)),
                cell(str(row.item.entry.times_wrong), justify="right"),
                cell(when_text(self.services, row.item.entry.last_wrong_at)),
                cell(mark + row.wrong_answer()),
                cell(row.key()),
                key=row.question_id,
            )
        filtered = len(self.shown) != len(self.rows)
        count = f"{len(self.shown)}/{len(self.rows)} 题" if filtered else f"共 {len(self.rows)} 题"
        self.query_one("#notebook-count", Static).update(count)
        if self.shown:
            table.move_cursor(row=min(max(cursor, 0), len(self.shown) - 1), animate=False)
        self.show_detail()
        self.refresh_bindings()

    # -- the highlighted question ----------------------------------------------------------

    def current(self) -> Row | None:
        """The row under the cursor, if any."""
        table = self.query_one(NotebookTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row]

    @on(DataTable.RowHighlighted, "#notebook-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.show_detail()

    @on(DataTable.RowSelected, "#notebook-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_view()

    def show_detail(self) -> None:
        """The highlighted question in full: prompt, options, the answer beside the key, counts, explanation."""
        detail = self.query_one("#notebook-detail-text", Static)
        row = self.current()
        if row is None:
            detail.update(plain(NOTHING_MATCHES if self.rows else ""))
            return
        detail.update(self.detail_content(row))
        self.query_one("#notebook-detail", VerticalScroll).scroll_home(animate=False)

    def detail_content(self, row: Row) -> Content:
        """What the detail pane shows for one row, every piece of bank and student text literal."""
        entry = row.item.entry
        question = row.question
        kind = TYPE_LABELS.get(row.type, row.type)
        parts: list[Content | tuple[str, str] | str] = [(f"【{kind}】", "bold"), Content(show(row.prompt()))]
        if row.options():
            parts += ["\n", Content(show(row.options())).stylize("$text-muted")]
        wrong = row.item.last_wrong
        mark = VERDICT_MARKS.get(wrong.verdict, "") if wrong else ""
        parts += ["\n", ("我的答案：", "bold $text-error"), Content(show(mark + row.wrong_answer()))]
        parts += ["\n", ("参考答案：", "bold $text-success"), Content(show(row.key()))]
        facts = f"答错 {entry.times_wrong} 次 · 最近 {when_text(self.services, entry.last_wrong_at)} · 加入于 {when_text(self.services, entry.added_at)}"
        if entry.correct_streak:
            facts += f" · 之后答对 {entry.correct_streak} 次，再答对 1 次就移出"
        where = row.chapter
        if question is not None and question.concept and question.concept in self.services.bank.concepts:
            where += f" › {self.services.bank.concepts[question.concept].name}"
        parts += ["\n", Content(show(facts + (f" · {where}" if where else ""))).stylize("$text-muted")]
        if question is not None:
            parts += explanation_and_source(question, self.services.bank)
        return Content.assemble(*parts)

    def action_view(self) -> None:
        """Show the highlighted question on the whole screen (esc goes back to the list)."""
        if self.current() is None:
            return
        self.add_class("-full")
        self.query_one("#notebook-detail", VerticalScroll).focus()
        self.refresh_bindings()

    def action_back(self) -> None:
        """Leave the whole-screen view, or the filters, or go home."""
        if self.has_class("-full"):
            self.remove_class("-full")
            self.query_one(NotebookTable).focus()
            self.refresh_bindings()
        elif isinstance(self.focused, Select):
            self.query_one(NotebookTable).focus()
        else:
            self.app.call_later(self.app.run_action, "app.home")

    def action_filter(self) -> None:
        """Move to the chapter filter (tab goes on to the type)."""
        self.query_one("#notebook-chapter", Select).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that need a question show only when the notebook has one; undo only when there is something to put back."""
        if action == "back":
            return True
        if action == "undo":
            return bool(self._undo)
        if action == "start_practice":
            return not self.rows
        if not self.rows:
            return False
        if action == "filter":
            return not self.has_class("-full")
        if action in ("redo", "clear", "export", "remove"):
            return True if self.shown else None
        return True

    # -- redo ---------------------------------------------------------------------------------

    def action_start_practice(self) -> None:
        """开始练习, offered while the notebook is empty."""
        self.app.call_later(self.app.run_action, "app.practice")

    def action_redo(self) -> None:
        """错题重做: practise the notebook's questions (those the filters let through) once each, as a session."""
        if not self.shown:
            return
        from revise.sessions.engine import Filters

        chapter, qtype = self.filters()
        title = "错题重做"
        if chapter or qtype:
            title += "：" + " · ".join(part for part in (chapter, TYPE_LABELS.get(qtype or "")) if part)
        filters = Filters(chapters=[chapter] if chapter else [], types=[qtype] if qtype else [])
        self.post_message(StartPractice(title=title, notebook_only=True, filters=filters))

    # -- changes (off the event loop) ----------------------------------------------------------

    def action_remove(self) -> None:
        """Take the highlighted question out of the notebook (its answers stay in the history)."""
        row = self.current()
        if row is None:
            return
        store, at = self.services.store, self.services.clock()

        def done(entry: NotebookEntry | None) -> None:
            self._undo = [entry] if entry is not None else []
            self.reload()
            self.notify(f"已移出错题本：{one_line(row.prompt())[:20]}（按 u 撤销）", timeout=4, markup=False)

        self.changes.run(lambda: store.remove_from_notebook(row.question_id, at), done, "移出")

    def action_clear(self) -> None:
        """Take every question listed out of the notebook, after asking."""
        if not self.shown:
            return
        from revise.tui.widgets.dialogs import ConfirmDialog

        ids = [row.question_id for row in self.shown]
        scope = "当前筛选下的" if len(self.shown) != len(self.rows) else "错题本里的"
        message = f"把{scope} {len(ids)} 道题全部移出错题本？\n\n作答记录都会保留；以后再答错还会自动加进来。清空后可以按 u 撤销。"
        store = self.services.store

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            at = self.services.clock()

            def done(entries: list[NotebookEntry]) -> None:
                self._undo = entries
                self.reload()
                self.notify(f"已清空 {len(entries)} 道题（按 u 撤销）", timeout=4, markup=False)

            self.changes.run(lambda: store.clear_notebook(at, ids), done, "清空错题本")

        self.app.push_screen(ConfirmDialog("清空错题本", message, confirm="清空"), answered)

    def action_undo(self) -> None:
        """Put back what the last removal or clear took out."""
        if not self._undo:
            return
        entries, store = list(self._undo), self.services.store

        def done(restored: int) -> None:
            self._undo = []
            self.reload()
            self.notify(f"已放回 {restored} 道题" if restored else "这些题已经因为再次答错回到错题本里了", timeout=3, markup=False)

        self.changes.run(lambda: store.restore_to_notebook(entries), done, "撤销")

    # -- export --------------------------------------------------------------------------------

    def default_export_path(self) -> Path:
        """Where an export goes unless the student says otherwise: the folder revise was started in, else the data dir."""
        import os

        folder = Path.cwd() if os.access(Path.cwd(), os.W_OK) else Path(self.services.store.path).parent
        return folder / f"错题本-{self.services.local_time(self.services.clock(), '%Y%m%d-%H%M')}.csv"

    def action_export(self) -> None:
        """Ask where to save the CSV (a default is filled in), then write it; an existing file is overwritten only when confirmed."""
        if not self.shown:
            return
        from revise.tui.widgets.dialogs import ConfirmDialog

        def chosen(path: Path | None) -> None:
            if path is not None and path.exists():
                self.app.push_screen(
                    ConfirmDialog("文件已存在", f"{path} 已经存在。覆盖它吗？", confirm="覆盖"), lambda yes: self.export(path) if yes else None
                )
            elif path is not None:
                self.export(path)

        self.app.push_screen(ExportDialog(self.default_export_path(), len(self.shown)), chosen)

    def csv_rows(self) -> list[list[object]]:
        """The rows listed, as CSV cells in the display script (the writer makes each cell safe for a spreadsheet)."""
        script, when = self.services.show, self.services.local_time
        rows: list[list[object]] = []
        for row in self.shown:
            entry, question = row.item.entry, row.question
            explanation = question.explanation.strip() if question is not None and question.explanation else ""
            texts = [row.chapter, TYPE_LABELS.get(row.type, row.type), row.prompt(), row.options(), row.wrong_answer(), row.key()]
            times = [entry.times_wrong, when(entry.last_wrong_at, "%Y-%m-%d %H:%M"), when(entry.added_at, "%Y-%m-%d %H:%M")]
            rows.append([row.question_id, *(script(text) for text in texts), *times, script(explanation)])
        return rows

    def export(self, path: Path) -> None:
        """Write the rows listed to `path` off the event loop; tell the student where they went."""
        from revise.progress.notebook_edits import write_csv

        header = [self.services.show(name) for name in CSV_HEADER]
        rows = self.csv_rows()
        status = self.query_one("#notebook-status", Static)

        def done(written: Path) -> None:
            self.last_export = written
            status.update(plain(f"已导出 {len(rows)} 道题到 {written}"))
            status.remove_class("hidden")
            self.notify(f"已导出 {len(rows)} 道题到 {written}", title="导出完成", timeout=8, markup=False)

        def failed(error: Exception) -> None:
            if not isinstance(error, OSError):
                raise error
            report_problem(self, "导出失败", f"没能写入 {path}：{error.strerror or error}", timeout=15)

        in_background(self, lambda: write_csv(path, header, rows), done=done, failed=failed)


def export_target(text: str, default: Path) -> Path:
    """The file a typed path means: relative to the current folder, the default name inside a folder, .csv added when there is no suffix."""
    path = Path(text).expanduser()
    path = path if path.is_absolute() else Path.cwd() / path
    if path.is_dir():
        return path / default.name
    return path if path.suffix else path.with_suffix(".csv")


class ExportDialog(ModalScreen[Path | None]):
    """Where to save the CSV: a path filled in with the default; Enter saves, esc cancels."""

    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > Vertical { width: 76; height: auto; padding: 1 2; background: $panel; border: round $primary; }
    ExportDialog #export-path { margin: 1 0 0 0; }
    ExportDialog #export-error { color: $text-error; height: auto; }
    """

    BINDINGS = [Binding("escape", "cancel", "取消", id="export.cancel", tooltip="Do not export")]

    def __init__(self, default: Path, count: int) -> None:
        super().__init__()
        self.default = default
        self.count = count

    def compose(self) -> ComposeResult:
        """Build the widgets."""
        with Vertical():
            yield Label(f"导出 {self.count} 道题为 CSV", markup=False, classes="section-title")
            yield Static("Excel、WPS 都能直接打开。可以改成别的文件名或文件夹；Enter 导出，esc 取消。", markup=False, classes="hint")
            yield Input(str(self.default), id="export-path")
            yield Static(id="export-error", markup=False)

    def on_mount(self) -> None:
        """Focus the path."""
        self.query_one(Input).focus()

    @on(Input.Submitted, "#export-path")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        error = self.query_one("#export-error", Static)
        if not event.value.strip():
            error.update(plain("请输入要保存的文件名"))
            return
        path = export_target(event.value.strip(), self.default)
        if not path.parent.is_dir():
            error.update(plain(f"文件夹不存在：{path.parent}"))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        """Close without exporting."""
        self.dismiss(None)

"""A screen's store call in progress or refused: the waiting line (``#store-status``) and the one way a refusal is told."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Static

from revise.tui.messages import report_problem

WAITING_TEXT = "正在保存……数据库正被另一个程序占用，等它释放后就会保存（这次作答还没保存）。"


def show_waiting(screen: Screen[Any]) -> None:
    """Show that a save is waiting for the database (another program holds its lock)."""
    for status in screen.query("#store-status").results(Static):
        status.update(WAITING_TEXT)
        status.remove_class("hidden")


def hide_waiting(screen: Screen[Any]) -> None:
    """The save finished (or failed): no more waiting state."""
    for status in screen.query("#store-status"):
        status.add_class("hidden")


def report_store_error(screen: Screen[Any], error: Exception, title: str, doing: str) -> None:
    """A store refusal, told to the student once; anything else is a bug and goes to the crash handler."""
    from revise.progress.store import StoreError

    if not isinstance(error, StoreError):
        raise error
    report_problem(screen, title, f"{doing}：{error}", timeout=15)

"""Store calls off the event loop, so a database another program has locked never freezes the screen.

SQLite waits up to its busy timeout (seconds) for a write lock held by another
process. Run on the event loop, that wait would freeze the countdown, the
keys and the redraws (issue 13, #16). Awaiting it inside a message handler
would be no better: a screen handles one message at a time, so its timers and
keys would queue up behind the wait.

:func:`in_background` therefore returns at once. The call runs in a thread;
a Textual worker (group :data:`STORE_GROUP`) awaits it and then calls `done`
(or `failed`) on the event loop. When the call is still running after
:data:`WAIT_NOTICE_SECONDS`, `on_wait` is called once, so the screen can show
a waiting state instead of looking hung. The store is thread-safe (one lock
around its connection); screens run one write at a time.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.worker import Worker

T = TypeVar("T")

# A write that takes longer than this is waiting for a lock: say so.
WAIT_NOTICE_SECONDS = 0.4
STORE_GROUP = "store"


def in_background(
    node: DOMNode,
    work: Callable[[], T],
    *,
    done: Callable[[T], Awaitable[None] | None],
    failed: Callable[[Exception], Awaitable[None] | None],
    on_wait: Callable[[], None] | None = None,
    finished: Callable[[], None] | None = None,
    executor: Executor | None = None,
) -> Worker[None]:
    """Run `work` (a store call) in a thread; then `done(result)` or `failed(error)` on the event loop.

    `on_wait` is called if the call is still running after WAIT_NOTICE_SECONDS
    (never for a quick call); `finished` is called after either outcome, before
    `done`/`failed`, e.g. to clear the waiting state. With an `executor` of
    one thread, calls run strictly one after another, in the order made.
    """

    async def job() -> None:
        timer = node.set_timer(WAIT_NOTICE_SECONDS, on_wait) if on_wait is not None else None
        error: Exception | None = None
        result: Any = None
        try:
            result = await asyncio.get_running_loop().run_in_executor(executor, work) if executor is not None else await asyncio.to_thread(work)
        except Exception as raised:  # the store's refusal, reported by the screen
            error = raised
        if timer is not None:
            timer.stop()
        if finished is not None:
            finished()
        outcome = failed(error) if error is not None else done(result)
        if inspect.isawaitable(outcome):
            await outcome

    return node.run_worker(job(), group=STORE_GROUP, exit_on_error=True)


class StoreChanges:
    """A list screen's changes to the store (remove, clear, undo...): one at a time, off the event loop.

    While the database is locked by another program the screen's status line
    says so; when the store refuses, the refusal is reported under
    `problem_title` and nothing is shown as saved.
    """

    def __init__(self, screen: DOMNode, status: Callable[[], Any], problem_title: str) -> None:
        self.screen = screen
        self.status = status  # the Static that shows "正在保存……" (looked up when needed)
        self.problem_title = problem_title
        self.saving = False  # a change is on its way to the store

    def run(self, work: Callable[[], T], done: Callable[[T], Awaitable[None] | None], doing: str) -> None:
        """Run `work` in the background; `done(result)` once committed. Ignored while another change is saving."""
        if self.saving:
            return
        self.saving = True

        def waiting() -> None:
            from revise.tui.display import plain

            status = self.status()
            status.update(plain("正在保存……数据库正被另一个程序占用，等它释放后就会保存。"))
            status.remove_class("hidden")

        def finished() -> None:
            self.saving = False
            self.status().add_class("hidden")

        def failed(error: Exception) -> None:
            from revise.progress.store import StoreError
            from revise.tui.messages import report_problem

            if not isinstance(error, StoreError):
                raise error
            report_problem(self.screen, self.problem_title, f"没能{doing}：{error}", timeout=15)

        in_background(self.screen, work, done=done, failed=failed, on_wait=waiting, finished=finished)

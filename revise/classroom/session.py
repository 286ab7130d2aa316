"""What a served session does besides the app: sync the student's store to the class store in the background.

The session itself (login, then exec into the app) is
:func:`revise.commands.serve.session_main`; this module has no Textual in it.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

SYNC_EVERY_SECONDS = 120.0
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"
CONTINUED_DRIVER = "revise.tui.screens.login:ContinuedWebDriver"


class Syncer:
    """Syncs one student's data dir to the class store in a background thread: at once, every few minutes, and at the end."""

    def __init__(self, data_dir: Path, roster: object, args: argparse.Namespace) -> None:
        self.data_dir = data_dir
        self.roster = roster
        self.args = args
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="revise-class-sync", daemon=True)
        self.last_error: str | None = None

    def sync_once(self) -> None:
        """One sync; a failure is remembered (and logged to stderr), never raised into the app."""
        from revise.classroom.classstore import ClassStoreError, bank_version, member_url
        from revise.classroom.sync import sync_to
        from revise.paths import resolve_banks

        try:
            url = member_url(self.args.class_store, self.roster, self.args.student)
            sync_to(self.data_dir, url, bank_version(resolve_banks(self.args.bank)))
            self.last_error = None
        except (ClassStoreError, OSError) as error:
            self.last_error = str(error)
            print(f"revise: 同步失败：{error}", file=sys.stderr)

    def _run(self) -> None:
        while True:
            if (self.data_dir / "progress.sqlite3").exists():
                self.sync_once()
            if self._stop.wait(SYNC_EVERY_SECONDS):
                return

    def start(self) -> None:
        """Start syncing in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop the background syncs and sync once more, so the last answers go too."""
        self._stop.set()
        self._thread.join(timeout=30)
        if (self.data_dir / "progress.sqlite3").exists():
            self.sync_once()

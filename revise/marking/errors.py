"""The one error a responses file can raise: where it is wrong, and why, in Chinese."""

from __future__ import annotations


class InputError(Exception):
    """A file that cannot be read as class responses: `where` is ``file:line`` or ``sheet!cell``."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message

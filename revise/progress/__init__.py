"""The student's progress: the SQLite store, FSRS scheduling, mastery and what "due today" means.

- :mod:`.store`: the :class:`~revise.progress.store.Store` facade, opened once per data dir;
  its parts: :mod:`.schema` (migrations), :mod:`.files` (data dir and file safety),
  :mod:`.salvage` (reading a damaged database), :mod:`.base` (transactions and errors),
  :mod:`.records` and :mod:`.rows` (answers, cards, the 错题本, undo, appeals),
  :mod:`.personal` (settings, bookmarks, notes), :mod:`.attempts` (mock exams),
  :mod:`.errors` (what callers catch).
- :mod:`.scheduling`: FSRS; :mod:`.mastery`: statistics; :mod:`.due`: "due today", defined once.

Imports go downwards only: progress uses revise.clock and revise.bank, never sessions or the UI.
"""

"""The whole class: a roster with passwords, a shared PostgreSQL class store, syncing and serving in a browser.

Nothing here is imported when a single student starts ``revise``: the modules
are loaded only by ``revise sync``, ``revise class …`` and ``revise serve``.
The modules (none imports Textual; the login screen is
:mod:`revise.tui.screens.login`):

- :mod:`revise.classroom.roster`: the roster CSV, scrypt password hashes,
  slowing down repeated failed logins, and each student's data dir;
- :mod:`revise.classroom.classstore`: the class store's schema, migrations,
  roles and row-level security;
- :mod:`revise.classroom.sync`: pushing a student's facts one way, idempotently;
- :mod:`revise.classroom.report`: the class report, counted in SQL;
- :mod:`revise.classroom.serve`: the browser front end through textual-serve,
  one process group per session; :mod:`revise.classroom.session`: a
  session's background sync.
"""

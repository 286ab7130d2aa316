"""The Textual user interface. Only this package imports Textual; see :func:`revise.tui.app.build_app`."""

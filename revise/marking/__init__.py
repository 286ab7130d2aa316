"""Marking a class: read responses files, grade every answer, and compute item statistics.

* :mod:`revise.marking.reading` - CSV (any encoding Excel or WPS saves) and
  .xlsx, long or wide layout, streamed row by row;
* :mod:`revise.marking.batch` - grade each entry and stream rows to a sink;
* :mod:`revise.marking.writing` - CSV/.xlsx files and standard output, formula-safe (the
  class store's report is written by it too);
* :mod:`revise.marking.item_stats` - pure statistics over plain rows (totals,
  ranks, facility, discrimination, Cronbach's alpha), shared with the class store;
* :mod:`revise.marking.report` - the class report (HTML with inline SVG, and sheets);
* :mod:`revise.marking.scheme` - points per question (a paper blueprint, or a saved paper's
  points, sections, values and option orders).

The package never imports Textual; submodules import openpyxl only when an
.xlsx file is read or written.
"""

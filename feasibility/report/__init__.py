"""Presentation: text summaries, charts and the HTML report. Nothing here computes a statistic.

Importing the package registers the sentences of every stage's notes
(:mod:`.explain_notes`, :mod:`.explain`) with :mod:`feasibility.notes`, so that a note or
a warned note reads as its sentence wherever it is shown.
"""

from . import explain as _explain  # noqa: F401  (registers the notes' sentences)

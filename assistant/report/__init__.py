"""The report a couple can bring to therapy: facts from the store, words from dialogs/report.yaml.

`facts.collect` turns records into dated facts (`reading` continues the tally of the sealed history that `cache`
keeps); `sections.build` says them; `text` and `page` lay them out (matplotlib is imported only by `charts`, for
the page); `pdf` prints the page with headless Chromium.
"""

from assistant.report.facts import collect
from assistant.report.history import History
from assistant.report.text import render_text
from assistant.report.words import Words

__all__ = ["History", "Words", "collect", "render_text"]

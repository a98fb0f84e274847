"""The report's sections: facts from `facts` said in words from dialogs/report.yaml (ids + slots, no prose here)."""

from __future__ import annotations

import logging
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from assistant.dialog.library import Line
from assistant.report.history import LOW_RATING, History, ThemeAnswer
from assistant.report.words import Words, dates, long_date, short_date
from assistant.streaks import current_run, runs

_LOGGER = logging.getLogger(__name__)
TEXT_SERIES = 8
"""The text report lists each partner's latest ratings; the page lists every one."""
TEXT_WORDS = 6
"""The text report quotes the most often named triggers and needs (when transcripts are kept); the page all."""
ENDINGS = ("resume", "reschedule", "stop", "safety")


@dataclass(frozen=True)
class Para:
    """One line of a section."""

    line: Line
    style: str = ""
    """"" plain, "flag" (a gentle flag, highlighted), "quiet" (small print), "item" (one of a list)."""
    where: str = "both"
    """"both", "text" (the page shows a table or chart instead), or "page" (too long for a terminal)."""


@dataclass
class Section:
    """A heading and its lines; `key` names what the page adds (chart, table, calendar)."""

    key: str
    heading: str
    paras: list[Para] = field(default_factory=list)

    def add(self, line: Line, style: str = "", where: str = "both") -> None:
        self.paras.append(Para(line, style, where))


EMPTY = {"ratings": ("ratings", "ratings_none"), "commitments": ("commitments", "commitments_none"),
         "timeouts": ("timeouts", "timeouts_none"), "appreciations": ("thanks", "thanks_none"),
         "themes": ("themes", "themes_none"), "agreement": ("agreement", "agreement_none")}
"""Section -> (the History field it shows, the line said when that field is empty)."""


def build(history: History, words: Words) -> list[Section]:
    """Every section, in reading order; none when nothing was recorded."""
    if not history.records:
        return []
    sections = []
    for builder in (checkins, ratings, commitments, timeouts, appreciations, themes, agreement, safety):
        section = Section(builder.__name__, words.text(f"heading_{builder.__name__}"))
        field_name, none_key = EMPTY.get(section.key, ("", ""))
        if field_name and not getattr(history, field_name):
            section.add(words.line(none_key))
        else:
            builder(history, words, section)
        sections.append(section)
    return sections


def checkins(h: History, w: Words, s: Section) -> None:
    done = h.checkins_with("completed")
    if done:
        s.add(w.line("checkins_done", checkins=w.count("n_checkins", len(done)), day=long_date(done[-1].day)))
    elif not h.checkins:  # a check-in stopped for safety or paused is said as such, never as "none yet"
        s.add(w.line("checkins_none_done"))
    for status in ("safety", "stopped", "paused"):
        if found := h.checkins_with(status):
            s.add(w.line(f"checkins_{status}", checkins=w.count("n_checkins", len(found)),
                         days=dates(c.day for c in found)), "flag" if status == "safety" else "")
    if not h.checkins:
        s.add(w.line("checkins_waiting"))


def ratings(h: History, w: Words, s: Section) -> None:
    s.add(w.line("ratings_scale"))
    year = h.start.year != h.today.year
    for partner in h.partners:
        for measure in h.measures:
            series = h.series(partner, measure)
            if not series:
                continue
            shown = series[-TEXT_SERIES:]
            values = w.listing(w.text("rating_value", value=r.value, day=short_date(r.day, year)) for r in shown)
            s.add(w.line("ratings_series", partner=partner, measure=w.measure(measure), values=values), where="text")
            if len(series) > len(shown):
                s.add(w.line("ratings_earlier", partner=partner, measure=w.measure(measure),
                             count=len(series) - len(shown)), where="text")
    flagged = False
    for partner in h.partners:
        for measure in h.measures:
            low = [r for r in h.series(partner, measure) if r.value <= LOW_RATING]
            if low:
                latest = low[-TEXT_SERIES:]
                values = w.listing(w.text("rating_value", value=r.value, day=short_date(r.day, True)) for r in latest)
                slots = {"partner": partner, "measure": w.measure(measure), "values": values}
                if len(low) > len(latest):
                    s.add(w.line("low_ratings_many", count=len(low), **slots), "flag")
                else:
                    s.add(w.line("low_ratings", **slots), "flag")
                flagged = True
    if flagged:
        s.add(w.line("low_signpost"), "flag")


def commitments(h: History, w: Words, s: Section) -> None:
    for partner in h.partners:
        theirs = [c for c in h.commitments if c.partner == partner]
        reviewed = [c for c in theirs if c.kept is not None]
        confirmed = [c for c in reviewed if c.by_other]
        if confirmed:
            s.add(w.line("commitments_partner", partner=partner, kept=sum(bool(c.kept) for c in confirmed),
                         reviewed=w.count("n_commitments", len(confirmed)),
                         others=w.listing(sorted({c.confirmed_by for c in confirmed}))))
        if self_marked := [c for c in reviewed if not c.by_other]:
            s.add(w.line("commitments_partner_self", partner=partner, kept=sum(bool(c.kept) for c in self_marked),
                         reviewed=w.count("n_commitments", len(self_marked))))
        if theirs and not reviewed:
            s.add(w.line("commitments_partner_unreviewed", partner=partner,
                         commitments=w.count("n_commitments", len(theirs))))
    if open_ := [c for c in h.commitments if c.kept is None]:
        s.add(w.line("commitments_open", commitments=w.count("n_commitments", len(open_))))
    s.add(w.line("commitments_who"), "quiet")


def timeouts(h: History, w: Words, s: Section) -> None:
    s.add(w.line("timeouts_count", timeouts=w.count("n_timeouts", len(h.timeouts)),
                 day=long_date(max(t.day for t in h.timeouts))))
    counted = Counter(t.ending for t in h.timeouts)
    endings = [w.text("ending_count", count=counted[e], ending=w.text(f"ending_{e}")) for e in ENDINGS if counted[e]]
    s.add(w.line("timeouts_endings", endings=w.listing(endings)))
    timed = [t.cooloff_minutes for t in h.timeouts if t.cooloff_minutes is not None]
    if timed:
        s.add(w.line("cooloff_timed", timed=len(timed), low=w.count("n_minutes", round(min(timed))),
                     high=w.count("n_minutes", round(max(timed))),
                     median=w.count("n_minutes", round(statistics.median(timed)))))
    else:
        s.add(w.line("cooloff_none"))
    s.add(w.line("timeouts_note"), "quiet")


def appreciations(h: History, w: Words, s: Section) -> None:
    total = (h.today - h.start).days + 1
    s.add(w.line("thanks_days", days=w.count("n_days", len(h.thanks)), total=w.count("n_days", total)))
    said = Counter(partner for who in h.thanks.values() for partner in who)
    for partner in h.partners:
        s.add(w.line("thanks_partner", partner=partner, days=w.count("n_days", said[partner])))
    now = current_run(h.thanks, h.today)
    if now:
        s.add(w.line("streak_now", days=w.count("n_days", (now[1] - now[0]).days + 1)))
    else:
        s.add(w.line("streak_none"))
    first, last = max(runs(h.thanks), key=lambda run: (run[1].toordinal() - run[0].toordinal(), run[1]))
    if last > first:
        s.add(w.line("streak_longest", days=w.count("n_days", (last - first).days + 1), first=long_date(first),
                     last=long_date(last)))


def themes(h: History, w: Words, s: Section) -> None:
    for partner in h.partners:
        named = Counter(t.step for t in h.themes if t.partner == partner)
        s.add(w.line("themes_partner", partner=partner, triggers=w.count("n_triggers", named["triggers"]),
                     needs=w.count("n_needs", named["needs"])))
    if not h.keep_transcripts:
        s.add(w.line("themes_counts_only"), "quiet")
        return
    grouped: dict[tuple[str, str], list[ThemeAnswer]] = {}
    for theme in h.themes:  # the same wording named again is one theme, counted, not a transcript line each time
        if theme.text:
            grouped.setdefault((theme.step, _wording(theme.text)), []).append(theme)
    if not grouped:
        return
    s.add(w.line("themes_words"), "quiet")
    ordered = sorted(grouped.values(), key=lambda said: (-len(said), -said[-1].day.toordinal()))
    for index, said in enumerate(ordered):
        counted = Counter(t.partner for t in said)
        who = w.listing(w.text("theme_partner_count", partner=p, times=w.count("n_times", counted[p]))
                        for p in h.partners if counted[p])
        kind = w.text("theme_trigger" if said[-1].step == "triggers" else "theme_need")
        s.add(w.line("theme_item", kind=kind, text=said[-1].text, who=who, day=short_date(said[-1].day, True)),
              "item", "both" if index < TEXT_WORDS else "page")
    if len(ordered) > TEXT_WORDS:
        s.add(w.line("themes_earlier", count=len(ordered) - TEXT_WORDS), "quiet", "text")


def _wording(text: str) -> str:
    """Case, punctuation and spacing do not make a different theme."""
    return " ".join("".join(ch for ch in text.lower() if ch.isalnum() or ch.isspace()).split())


def agreement(h: History, w: Words, s: Section) -> None:
    latest = h.agreement[-1]
    s.add(w.line("agreement_current", items=w.count("n_items", len(latest.items)), day=long_date(latest.day)))
    for number, item in enumerate(latest.items, 1):
        s.add(w.line("agreement_item", number=number, text=item), "item")
    changes = []
    for change in h.agreement:
        key = f"change_{change.change}"
        label = w.text(key) if w.library.has("report." + key) else w.text("change_other")
        changes.append(w.text("agreement_change", change=label, day=short_date(change.day, True)))
    s.add(w.line("agreement_history", changes=w.listing(changes)), "quiet")


def safety(h: History, w: Words, s: Section) -> None:
    if h.safety_days:
        s.add(w.line("safety_count", responses=w.count("n_responses", len(h.safety_days)),
                     days=dates(h.safety_days)), "flag")
    else:
        s.add(w.line("safety_none"))


def period_line(h: History, w: Words) -> Line:
    """The subtitle: the period covered (never the title again)."""
    weeks = max(1, round(((h.today - h.start) + timedelta(days=1)).days / 7))
    return w.line("period", start=long_date(h.start), today=long_date(h.today), weeks=w.count("n_weeks", weeks))

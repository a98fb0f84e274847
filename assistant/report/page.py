"""The page (`report --html FILE`): one self-contained HTML file, no scripts, no network, laid out for paper too.

The same sections as the text report; the ratings get a chart and a table per partner, the time outs a chart,
the appreciations a calendar of the whole period. A print stylesheet keeps sections whole and colours exact.
"""

from __future__ import annotations

import html
import logging
from datetime import date

from assistant.report.calendar_html import calendar_html
from assistant.report.charts import INK, LOW_BAND, partner_colour, ratings_figure, svg, timeouts_figure
from assistant.report.history import LOW_RATING, History
from assistant.report.sections import Para, Section, build, period_line
from assistant.report.words import Words, long_date

_LOGGER = logging.getLogger(__name__)

_STYLE = """
 body { font-family: Georgia, 'Times New Roman', serif; background: #fffaf3; color: %(ink)s;
        max-width: 50rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
 h1 { font-weight: normal; color: #9c4a3a; margin-bottom: .2rem; }
 .period { margin-top: 0; color: #6b5b5b; }
 section { background: #fff; border-radius: 12px; padding: .8rem 1.25rem; margin: 1.1rem 0;
           box-shadow: 0 1px 4px rgba(0,0,0,.08); }
 h2 { font-weight: normal; margin: .2rem 0 .4rem; }
 p { margin: .35rem 0; }
 p.flag { background: %(low)s; border-left: 4px solid #d98c6f; padding: .3rem .6rem; border-radius: 4px; }
 p.quiet { font-size: .9rem; color: #6b5b5b; }
 figure { margin: .6rem 0; }
 figcaption { font-size: .9rem; color: #6b5b5b; }
 svg { width: 100%%; height: auto; }
 table.ratings { border-collapse: collapse; margin: .5rem 1.5rem .5rem 0; display: inline-table;
                 font-size: .9rem; vertical-align: top; }
 table.ratings th, table.ratings td { padding: .1rem .6rem; text-align: center; border-bottom: 1px solid #eee; }
 table.ratings caption { font-weight: bold; text-align: left; }
 td.low { background: %(low)s; font-weight: bold; }
 .months { display: flex; flex-wrap: wrap; gap: .8rem; }
 table.month { border-collapse: separate; border-spacing: 2px; font-size: .75rem; }
 table.month caption { font-weight: bold; text-align: left; }
 table.month td { width: 1.6rem; height: 1.4rem; text-align: center; border-radius: 4px; }
 .both { background: #6a994e; color: #fff; }
 .one { background: #b5d99c; }
 .none { background: #efe8dd; }
 .outside { background: transparent; color: #bbb; outline: 1px dashed #ddd; }
 .legend { display: flex; gap: 1rem; font-size: .85rem; margin: .3rem 0; flex-wrap: wrap; }
 .swatch { display: inline-block; width: .9rem; height: .9rem; border-radius: 3px; margin-right: .3rem;
           vertical-align: middle; }
 ul.items { list-style: none; padding-left: .5rem; margin: .3rem 0; }
 ul.items.long { columns: 2; font-size: .85rem; color: #6b5b5b; }
 ul.items li { break-inside: avoid; margin: .1rem 0; }
 footer { font-size: .85rem; color: #8a7a7a; }
 @page { size: A4; margin: 14mm; }
 @media print {
   body { background: #fff; margin: 0; max-width: none; font-size: 11pt; }
   section { box-shadow: none; border: 1px solid #ddd; }
   h2 { break-after: avoid; page-break-after: avoid; }
   figure, table, p, li { break-inside: avoid; page-break-inside: avoid; }
   .print-hint { display: none; }
   * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
 }
"""


def render_html(history: History, words: Words) -> str:
    """The whole page as a string."""
    title = html.escape(words.text("title"))
    parts = [f"<h1>{title}</h1>"]
    if history.records:
        parts.append(f'<p class="period">{html.escape(period_line(history, words).text)}</p>')
        parts += [_section(section, history, words) for section in build(history, words)]
    else:
        parts.append(f"<p>{html.escape(words.text('empty'))}</p>")
    footer = "".join(f'<p class="{cls}">{html.escape(words.text(key))}</p>'
                     for key, cls in (("companion", ""), ("print_hint", "print-hint"), ("private", "")))
    style = _STYLE % {"ink": INK, "low": LOW_BAND}
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n<style>{style}</style></head><body>\n"
            + "\n".join(parts) + f"\n<footer>{footer}</footer>\n</body></html>\n")


def _section(section: Section, history: History, words: Words) -> str:
    shown = [para for para in section.paras if para.where != "text"]
    paras = _paras([para for para in shown if para.style != "flag"])
    flags = _paras([para for para in shown if para.style == "flag"])
    extra = ""
    if section.key == "ratings" and history.ratings:
        extra = _figure(svg(ratings_figure(history, words), html.escape(section.heading)), "chart_ratings", words)
        extra += "".join(_ratings_table(history, words, partner) for partner in history.partners)
    elif section.key == "timeouts" and history.timeouts:
        extra = _figure(svg(timeouts_figure(history, words), html.escape(section.heading)), "chart_timeouts", words)
    elif section.key == "appreciations" and history.thanks:
        extra = calendar_html(history, words)
    return f'<section id="{section.key}"><h2>{html.escape(section.heading)}</h2>{paras}{extra}{flags}</section>'


def _paras(paras: list[Para]) -> str:
    """Paragraphs; a run of list items becomes one list (in two columns when long)."""
    out: list[str] = []
    items: list[str] = []
    for para in [*paras, None]:
        if para is not None and para.style == "item":
            items.append(f"<li>{html.escape(para.line.text)}</li>")
            continue
        if items:
            out.append(f'<ul class="items{" long" if len(items) > 8 else ""}">{"".join(items)}</ul>')
            items = []
        if para is not None:
            text = html.escape(para.line.text)
            out.append(f'<p class="{para.style}">{text}</p>' if para.style else f"<p>{text}</p>")
    return "".join(out)


def _figure(chart: str, caption_key: str, words: Words) -> str:
    return f"<figure>{chart}<figcaption>{html.escape(words.text(caption_key))}</figcaption></figure>"


def _ratings_table(history: History, words: Words, partner: str) -> str:
    """Every rating of one partner, one row per check-in day; 1 and 2 marked."""
    rows: dict[date, dict[str, int]] = {}
    for rating in history.ratings:
        if rating.partner == partner:
            rows.setdefault(rating.day, {})[rating.measure] = rating.value
    if not rows:
        return ""
    measures = history.measures
    head = "".join(f"<th>{html.escape(words.measure(m))}</th>" for m in measures)
    body = []
    for day, values in rows.items():
        cells = "".join(_cell(values.get(m)) for m in measures)
        body.append(f'<tr data-partner="{html.escape(partner)}" data-date="{day}">'
                    f"<td>{html.escape(long_date(day))}</td>{cells}</tr>")
    colour = partner_colour(history, partner)
    return (f'<table class="ratings"><caption style="color:{colour}">{html.escape(partner)}</caption>'
            f"<thead><tr><th>{html.escape(words.text('table_date'))}</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def _cell(value: int | None) -> str:
    if value is None:
        return "<td></td>"
    return f'<td class="low">{value}</td>' if value <= LOW_RATING else f"<td>{value}</td>"


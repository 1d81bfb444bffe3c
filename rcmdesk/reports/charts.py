"""The charts of the KPI dashboard and the weekly report: matplotlib drawn to SVG, made safe
to inline in a page under the strict CSP.

One module for every chart so the dashboard, the report page and its PDF show the same
pictures. matplotlib is imported when a chart is drawn (it is slow to import and the web
process mostly never draws), always with the Agg backend (no display, safe in worker threads
holding the lock below).

Why the SVG is rewritten (``_clean``): matplotlib writes a ``<style>`` element and
``style="..."`` attributes, which the page's CSP (style-src 'self') blocks inside inline SVG.
Every declaration it writes is also an SVG presentation attribute (``fill``, ``stroke``,
``font-size`` ...), which the CSP does not govern, so each becomes one; metadata (with a
timestamp) is dropped so the same numbers draw the same bytes. The result is parsed XML
serialised again: labels taken from data (payer names, categories) come out escaped.

Drawing costs tens of milliseconds a chart; the same inputs are drawn once per process
(``lru_cache``): past weeks do not change, and the dashboard is opened on them all day.
"""

from __future__ import annotations

import hashlib
import io
import math
import textwrap
import threading
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

_LOCK = threading.Lock()  # pyplot's figure registry is global state
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
BLUE, GREY, RED, INK = "#3b6ea5", "#9aa5b1", "#c0392b", "#333333"
Number = Decimal | int | None


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    # text as <text>, not glyph outlines: a tenth of the nodes, and the page's own font
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "rcmdesk",
                                "font.family": "sans-serif", "font.size": 8,
                                "axes.edgecolor": GREY, "axes.labelcolor": INK,
                                "xtick.color": INK, "ytick.color": INK})
    import matplotlib.pyplot as plt

    return plt


def _clean(svg: str, title: str) -> SafeString:
    """The SVG without ``<style>``, ``style=`` or metadata, titled for screen readers."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(svg.encode())  # noqa: S314 - matplotlib's own output, no DTD tricks
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}metadata", f"{{{SVG_NS}}}style"):
                parent.remove(child)
    _unique_ids(root, hashlib.sha1(svg.encode(), usedforsecurity=False).hexdigest()[:8])
    for element in root.iter():
        style = element.attrib.pop("style", "")
        for declaration in style.split(";"):
            name, _, value = declaration.partition(":")
            if name.strip() and value.strip():
                element.set(name.strip(), value.strip())
    for name in ("width", "height"):  # the page sizes it: CSS width, height from viewBox
        root.attrib.pop(name, None)
    root.set("role", "img")
    root.set("aria-label", title)
    root.set("class", "chart")
    return mark_safe(ET.tostring(root, encoding="unicode"))  # noqa: S308 - parsed, escaped XML


def _unique_ids(root: ET.Element, tag: str) -> None:
    """Keep only the ids something refers to (markers, clip paths), made unique to this
    chart: a page holds several charts, and matplotlib numbers each one's from 1."""
    href = f"{{{XLINK_NS}}}href"
    used = {e.attrib[href][1:] for e in root.iter() if e.attrib.get(href, "").startswith("#")}
    used |= {e.attrib["clip-path"][5:-1] for e in root.iter()
             if e.attrib.get("clip-path", "").startswith("url(#")}
    for element in root.iter():
        old = element.attrib.pop("id", None)
        if old in used:
            element.set("id", f"{old}-{tag}")
        if element.attrib.get(href, "").startswith("#"):
            element.set(href, f"{element.attrib[href]}-{tag}")
        if element.attrib.get("clip-path", "").startswith("url(#"):
            element.set("clip-path", f"{element.attrib['clip-path'][:-1]}-{tag})")


def _draw(fig: Any, plt: Any, title: str) -> SafeString:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return _clean(buffer.getvalue(), title)


def _float(value: Number) -> float:
    # floats only for drawing: the numbers printed beside a chart stay Decimal
    return float("nan") if value is None else float(value)


def _axis_text(value: float, unit: str) -> str:
    if unit == "$":
        return f"${value / 1000:,.0f}k" if abs(value) >= 10_000 else f"${value:,.0f}"
    if unit == "%":
        return f"{value:,.0f}%"
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.1f}".rstrip("0").rstrip(".")


def _frame(ax: Any, title: str, unit: str) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.set_title(title, fontsize=9, loc="left", color=INK)
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _axis_text(v, unit)))
    ax.tick_params(labelsize=7, length=2)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e5e8eb", linewidth=0.6)
    ax.set_axisbelow(True)


def trend(title: str, weeks: Sequence[str], values: Sequence[Number], unit: str = "",
          benchmark: Number = None) -> SafeString:
    """One KPI over the weeks (oldest first): a line through the weeks that have a value
    (a week with nothing to divide by is skipped, not drawn as a break that leaves single
    dots), the latest value written at its end, the benchmark as a dashed line."""
    return _trend(title, tuple(weeks), tuple(values), unit, benchmark)


@lru_cache(maxsize=512)
def _trend(title: str, weeks: tuple[str, ...], values: tuple[Number, ...], unit: str,
           benchmark: Number) -> SafeString:
    with _LOCK:
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(3.4, 1.55))
        xs = [i for i, v in enumerate(values) if v is not None]
        ys = [_float(values[i]) for i in xs]
        ax.plot(xs, ys, color=BLUE, linewidth=1.6, marker="o", markersize=2.5)
        if xs:
            ax.annotate(_axis_text(ys[-1], unit) if unit != "$" else f"${ys[-1]:,.0f}",
                        (xs[-1], ys[-1]), xytext=(3, 4), textcoords="offset points",
                        fontsize=7, color=BLUE)
        if benchmark is not None:
            ax.axhline(_float(benchmark), color=GREY, linewidth=0.8, linestyle="--")
        step = 2 if len(weeks) > 7 else 1
        ax.set_xticks(range(0, len(weeks), step), [w[-3:] for w in weeks][::step])
        ax.set_xlim(-0.5, len(weeks) - 0.5)
        _frame(ax, title, unit)
        if ys and min(ys) >= 0:
            ax.set_ylim(bottom=0, top=max(ys) * 1.2 or 1)
        return _draw(fig, plt, title)


def bars(title: str, labels: Sequence[str], values: Sequence[Number], unit: str = "") -> SafeString:
    """Vertical bars with each bar's value written over it (the A/R aging buckets)."""
    return _bars(title, tuple(labels), tuple(values), unit)


@lru_cache(maxsize=256)
def _bars(title: str, labels: tuple[str, ...], values: tuple[Number, ...],
          unit: str) -> SafeString:
    with _LOCK:
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(3.4, 1.8))
        heights = [0.0 if v is None else float(v) for v in values]
        drawn = ax.bar(range(len(labels)), heights, color=BLUE, width=0.65)
        ax.bar_label(drawn, labels=[_axis_text(h, unit) for h in heights], fontsize=7,
                     padding=2, color=INK)
        ax.set_xticks(range(len(labels)), list(labels))
        _frame(ax, title, unit)
        ax.set_ylim(0, (max(heights, default=0) * 1.2) or 1)
        return _draw(fig, plt, title)


def pareto(title: str, labels: Sequence[str], values: Sequence[Number]) -> SafeString:
    """Denial causes by dollars, largest first, with the cumulative share as a line: the
    few causes that make most of the money stand out."""
    return _pareto(title, tuple(labels), tuple(values))


@lru_cache(maxsize=256)
def _pareto(title: str, labels: tuple[str, ...], values: tuple[Number, ...]) -> SafeString:
    pairs = sorted(zip(labels, (_float(v) for v in values), strict=True),
                   key=lambda p: -p[1] if not math.isnan(p[1]) else 0)
    total = sum(v for _, v in pairs if not math.isnan(v)) or 1.0
    running, shares = 0.0, []
    for _, v in pairs:
        running += 0.0 if math.isnan(v) else v
        shares.append(running * 100 / total)
    with _LOCK:
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(3.4, 1.8))
        ax.bar(range(len(pairs)), [v for _, v in pairs], color=BLUE, width=0.65)
        ax.set_xticks(range(len(pairs)),
                      [textwrap.fill(name, 12) for name, _ in pairs], fontsize=6.5)
        _frame(ax, title, "$")
        share = ax.twinx()
        share.plot(range(len(pairs)), shares, color=RED, marker="o", markersize=2.5,
                   linewidth=1.2)
        share.set_ylim(0, 105)
        share.set_yticks([0, 50, 100], ["0%", "50%", "100%"])
        share.tick_params(labelsize=7, length=2, colors=RED)
        share.spines[["top", "left"]].set_visible(False)
        return _draw(fig, plt, title)


def empty(title: str, message: str) -> SafeString:
    """A chart's place when there is nothing to draw: the same frame, in words."""
    return format_html('<p class="chart-empty" role="img" aria-label="{}"><strong>{}</strong>'
                       "<br>{}</p>", title, title, message)


# --- the KPI pictures the dashboard and the weekly report share ----------------------------

MAIN_KPIS = ("days_in_ar", "net_collection_rate", "denial_rate_count",
             "first_pass_resolution_rate")


def kpi_trends(trend: dict[str, list[tuple[str, Any]]], labels: dict[str, tuple[str, str]],
               keys: Sequence[str] = MAIN_KPIS) -> list[SafeString]:
    """A 13-week line per main KPI (``labels``: key -> (label, unit)); a KPI with no value
    in any week gets a sentence instead of an empty frame."""
    out = []
    for key in keys:
        points = trend.get(key, [])
        title, unit = labels[key]
        if not any(v is not None for _, v in points):
            out.append(empty(title, "No data in these weeks."))
            continue
        out.append(_trend(title, tuple(w for w, _ in points), tuple(v for _, v in points),
                          unit, None))
    return out


def aging_bars(rows: Sequence[dict[str, Any]]) -> SafeString:
    """Billed A/R by days since service (``kpis.aging`` rows)."""
    if not any(r["dollars"] for r in rows):
        return empty("A/R aging", "No open A/R at the end of this week.")
    return _bars("A/R aging (days since service)", tuple(str(r["bucket"]) for r in rows),
                 tuple(r["dollars"] for r in rows), "$")


def denial_pareto(rows: Sequence[dict[str, Any]], names: Sequence[str]) -> SafeString:
    """Denial causes of the week by dollars (``kpis.top_denial_causes`` rows, ``names``
    their human labels in the same order)."""
    if not rows:
        return empty("Denial causes", "No denials this week.")
    return _pareto("Denial causes ($ denied)", tuple(names), tuple(r["dollars"] for r in rows))


def burndown(title: str, labels: Sequence[str], remaining: Sequence[Number],
             ideal: Sequence[Number]) -> SafeString:
    """A backlog clean-up's burn-down: the frozen items still open at each week's end (the
    weeks to come left empty) against the ideal straight line to the target date, dashed."""
    return _burndown(title, tuple(labels), tuple(remaining), tuple(ideal))


@lru_cache(maxsize=128)
def _burndown(title: str, labels: tuple[str, ...], remaining: tuple[Number, ...],
              ideal: tuple[Number, ...]) -> SafeString:
    with _LOCK:
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(4.6, 1.9))
        xs = range(len(labels))
        ax.plot(list(xs), [_float(v) for v in ideal], color=GREY, linewidth=1.0,
                linestyle="--", label="Ideal")
        done = [i for i, v in enumerate(remaining) if v is not None]
        ax.plot(done, [_float(remaining[i]) for i in done], color=BLUE, linewidth=1.6,
                marker="o", markersize=2.5, label="Still open")
        if done:
            last = done[-1]
            ax.annotate(_axis_text(_float(remaining[last]), ""), (last, _float(remaining[last])),
                        xytext=(3, 4), textcoords="offset points", fontsize=7, color=BLUE)
        step = max(1, math.ceil(len(labels) / 8))
        ax.set_xticks(list(xs)[::step], list(labels)[::step])
        ax.set_xlim(-0.5, len(labels) - 0.5)
        _frame(ax, title, "")
        top = max([_float(v) for v in (*remaining, *ideal) if v is not None] or [1.0])
        ax.set_ylim(0, top * 1.15 or 1)
        ax.legend(fontsize=7, frameon=False, loc="upper right")
        return _draw(fig, plt, title)

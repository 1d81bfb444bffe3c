"""The assessment report's four pictures: A/R aging by payer, the timely-filing cliff, the
denial pareto with its appealable part, and the backlog burn-down under the proposal.

Drawn with the weekly report's helpers (``reports.charts``: matplotlib to SVG rewritten
without ``<style>`` so it can be inlined under the strict CSP, one drawing lock, the same
frame and axis text), so the two reports look alike. Labels arrive already in words; each
drawing is cached on its (hashable) inputs, because the page and its PDF draw the same
numbers and the what-if only changes the burn-down.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from functools import lru_cache

from django.utils.safestring import SafeString

from rcmdesk.reports import charts as base
from rcmdesk.reports.charts import BLUE, GREY, INK, RED, Number

# Stacked payer colours: the largest payer in the report's blue, then lighter shades; the
# "other payers" layer grey.
SHADES = ("#3b6ea5", "#6b93c0", "#9cb8d8", "#c8d7ea", "#e1e9f3")


def _wrap(name: str) -> str:
    return textwrap.fill(name, 12, break_long_words=False)


def aging(buckets: Sequence[str], layers: Sequence[tuple[str, Sequence[Number]]]) -> SafeString:
    """Open A/R dollars by days since service, each bar stacked by payer (``layers``: the
    top payers, then "Other payers"), the bucket's total written over it."""
    frozen = tuple((name, tuple(values)) for name, values in layers)
    if not any(v for _, values in frozen for v in values):
        return base.empty("A/R aging", "No open A/R on the assessment day.")
    return _aging(tuple(buckets), frozen)


@lru_cache(maxsize=64)
def _aging(buckets: tuple[str, ...],
           layers: tuple[tuple[str, tuple[Number, ...]], ...]) -> SafeString:
    title = "A/R by days since service, by payer"
    with base._LOCK:
        plt = base._pyplot()
        fig, ax = plt.subplots(figsize=(3.2, 2.0))
        bottom = [0.0] * len(buckets)
        for n, (name, values) in enumerate(layers):
            heights = [0.0 if v is None else float(v) for v in values]
            colour = GREY if n == len(layers) - 1 and n >= len(SHADES) - 1 else (
                SHADES[min(n, len(SHADES) - 1)])
            ax.bar(range(len(buckets)), heights, bottom=bottom, color=colour, width=0.65,
                   label=textwrap.shorten(name, 24, placeholder="…"), edgecolor="white",
                   linewidth=0.3)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        for x, total in enumerate(bottom):
            ax.annotate(base._axis_text(total, "$"), (x, total), xytext=(0, 2),
                        textcoords="offset points", ha="center", fontsize=6.5, color=INK)
        ax.set_xticks(range(len(buckets)), list(buckets), fontsize=6.5)
        base._frame(ax, title, "$")
        ax.set_ylim(0, (max(bottom, default=0) * 1.2) or 1)
        ax.legend(fontsize=5.5, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14),
                  ncols=3)
        return base._draw(fig, plt, title)


def cliff(labels: Sequence[str], values: Sequence[Number], past_label: str) -> SafeString:
    """Dollars whose filing limit falls within 30/60/90 days (cumulative) and already past
    (in red: lost unless the practice holds proof of timely filing)."""
    if not any(values):
        return base.empty("Timely-filing cliff", "No open claim near its filing limit.")
    return _cliff(tuple(labels), tuple(values), past_label)


@lru_cache(maxsize=64)
def _cliff(labels: tuple[str, ...], values: tuple[Number, ...], past_label: str) -> SafeString:
    title = "Dollars crossing the filing limit"
    with base._LOCK:
        plt = base._pyplot()
        fig, ax = plt.subplots(figsize=(3.4, 2.0))
        heights = [0.0 if v is None else float(v) for v in values]
        colours = [RED if name == past_label else BLUE for name in labels]
        drawn = ax.bar(range(len(labels)), heights, color=colours, width=0.6)
        ax.bar_label(drawn, labels=[base._axis_text(h, "$") for h in heights], fontsize=6.5,
                     padding=2, color=INK)
        ax.set_xticks(range(len(labels)), [_wrap(n) for n in labels], fontsize=6.5)
        base._frame(ax, title, "$")
        ax.set_ylim(0, (max(heights, default=0) * 1.2) or 1)
        return base._draw(fig, plt, title)


def pareto(causes: Sequence[str], open_dollars: Sequence[Number],
           appealable: Sequence[Number]) -> SafeString:
    """Open denial dollars by root cause, largest first: the part still inside its appeal
    window solid, the rest grey, and the cumulative share of the open dollars as a line."""
    if not any(open_dollars):
        return base.empty("Denials by root cause", "No open denials on the assessment day.")
    return _pareto(tuple(causes), tuple(open_dollars), tuple(appealable))


@lru_cache(maxsize=64)
def _pareto(causes: tuple[str, ...], open_dollars: tuple[Number, ...],
            appealable: tuple[Number, ...]) -> SafeString:
    title = "Open denials by root cause"
    rows = sorted(zip(causes, (base._float(v) for v in open_dollars),
                      (base._float(v) for v in appealable), strict=True),
                  key=lambda r: -r[1])
    total = sum(r[1] for r in rows) or 1.0
    running, shares = 0.0, []
    for _, dollars, _ in rows:
        running += dollars
        shares.append(running * 100 / total)
    with base._LOCK:
        plt = base._pyplot()
        fig, ax = plt.subplots(figsize=(3.6, 2.0))
        xs = range(len(rows))
        inside = [r[2] for r in rows]
        ax.bar(xs, inside, color=BLUE, width=0.65, label="Still appealable")
        ax.bar(xs, [r[1] - r[2] for r in rows], bottom=inside, color=GREY, width=0.65,
               label="Past the appeal limit")
        # slanted, not wrapped: seven causes side by side leave a word's width each
        ax.set_xticks(list(xs), [name for name, _, _ in rows], fontsize=6, rotation=35,
                      ha="right", rotation_mode="anchor")
        base._frame(ax, title, "$")
        ax.set_ylim(0, max(r[1] for r in rows) * 1.25 or 1)
        ax.legend(fontsize=6, frameon=False, loc="center right")
        share = ax.twinx()
        share.plot(list(xs), shares, color=RED, marker="o", markersize=2.5, linewidth=1.2)
        share.set_ylim(0, 105)
        share.set_yticks([0, 50, 100], ["0%", "50%", "100%"])
        share.tick_params(labelsize=7, length=2, colors=RED)
        share.spines[["top", "left"]].set_visible(False)
        return base._draw(fig, plt, title)


def burndown(labels: Sequence[str], remaining: Sequence[Number],
             ideal: Sequence[Number]) -> SafeString:
    """The first workflow's backlog left week by week under the proposal, against the
    straight line to zero at the weeks asked (the weekly report's burn-down drawing)."""
    if not labels:
        return base.empty("Backlog burn-down", "No backlog to clear.")
    return base.burndown("Backlog left under the proposal (items)", labels, remaining, ideal)

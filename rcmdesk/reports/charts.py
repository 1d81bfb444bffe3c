"""Line and bar charts as SVG text, for the report page and its PDF.

matplotlib is imported when a chart is drawn (it is slow to import and the web process
mostly never draws), and always with the Agg backend: no display, no GUI toolkit, safe in
worker threads that hold the lock below. SVG serves both outputs: browsers show it and
WeasyPrint renders it, so one picture is drawn once per report.
"""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

_LOCK = threading.Lock()  # pyplot's figure registry is global state


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    # text as <text>, not glyph outlines: a tenth of the SVG nodes for WeasyPrint to draw,
    # and the report's own font; a fixed hash salt makes the same chart the same bytes
    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["svg.hashsalt"] = "rcmdesk"
    import matplotlib.pyplot as plt

    return plt


def _svg(fig: Any, plt: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _numbers(values: Sequence[Decimal | None]) -> list[float]:
    # floats only for drawing: the numbers printed in the report stay Decimal
    return [float(v) if v is not None else float("nan") for v in values]


def line_chart(title: str, labels: Sequence[str], series: dict[str, Sequence[Decimal | None]],
               unit: str = "") -> str:
    """One line per series over the same labels (weeks); gaps where a value is None."""
    with _LOCK:
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(6.0, 2.4))
        for name, values in series.items():
            ax.plot(list(labels), _numbers(values), marker="o", markersize=3, label=name)
        _decorate(ax, title, unit, labels)
        if len(series) > 1:
            ax.legend(fontsize=7, frameon=False)
        return _svg(fig, plt)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[Decimal | None],
              unit: str = "") -> str:
    with _LOCK:
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(6.0, 2.4))
        ax.bar(list(labels), [0.0 if v is None else float(v) for v in values],
               color="#3b6ea5")
        _decorate(ax, title, unit, labels)
        return _svg(fig, plt)


def _decorate(ax: Any, title: str, unit: str, labels: Sequence[str]) -> None:
    ax.set_title(title, fontsize=9)
    if unit:
        ax.set_ylabel(unit, fontsize=8)
    ax.tick_params(labelsize=7)
    if len(labels) > 6:
        ax.tick_params(axis="x", labelrotation=45)
    ax.spines[["top", "right"]].set_visible(False)


def data_uri(svg: str) -> str:
    """An ``<img src>`` for the SVG: the page never inlines markup built from data."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()

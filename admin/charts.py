"""Charts drawn on the server as inline SVG (no charting script, nothing from a CDN).

A chart is a row of time buckets (the x axis, labelled ЧЧ:ММ with the date ДД.ММ.ГГГГ where
it changes) and one or more series of counts: :func:`bars` stacks the series in each bucket,
:func:`lines` draws each series as a line. Every chart carries a ``<title>`` and a
``<desc>`` (screen readers read them), every bar or point its own ``<title>`` with the time
and the count, and its legend under it. Colours come from ``console.css`` (``.chart .sN``):
the SVG has no style of its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from markupsafe import Markup, escape

from admin.times import as_utc

PALETTE = 8
"""Series colours defined in console.css (``s0`` … ``s7``); more series repeat them."""

_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    """One named row of counts, one per time bucket."""

    name: str
    values: Sequence[int]


@dataclass(frozen=True)
class Frame:
    """The chart's geometry: the plot inside margins for the axes' labels."""

    width: int = 960
    height: int = 240
    left: int = 56
    right: int = 12
    top: int = 12
    bottom: int = 42

    @property
    def plot_w(self) -> float:
        """The plot's width."""
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        """The plot's height."""
        return self.height - self.top - self.bottom


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ not below ``value`` (at least 1): the y axis' top."""
    top = 1
    while True:
        for step in (1, 2, 2.5, 5):
            candidate = int(top * step)
            if candidate >= value:
                return candidate
        top *= 10


def number(value: int) -> str:
    """A count as Russian text writes it: thousands apart by a space."""
    return f"{value:,}".replace(",", "\u00a0")


def bars(title: str, times: Sequence[datetime], series: Sequence[Series], tz: tzinfo, *,
         unit: str, frame: Frame | None = None) -> Markup:
    """Stacked bars: in each bucket of ``times`` the series' counts on top of each other."""
    f = frame or Frame()
    totals = [sum(s.values[i] for s in series) for i in range(len(times))]
    top = nice_ceiling(max(totals, default=0))
    step = f.plot_w / max(len(times), 1)
    gap = min(2.0, step * 0.2)
    parts: list[str] = []
    for i, moment in enumerate(times):
        base = 0
        for n, s in enumerate(series):
            value = s.values[i]
            if value <= 0:
                continue
            y0, y1 = _y(f, base, top), _y(f, base + value, top)
            x = f.left + i * step + gap / 2
            tip = f"{_moment(moment, tz)} — {s.name}: {number(value)}"
            parts.append(
                f'<rect class="s{n % PALETTE}" x="{x:.1f}" y="{y1:.1f}" '
                f'width="{max(step - gap, 0.5):.1f}" height="{max(y0 - y1, 0.5):.1f}">'
                f"<title>{escape(tip)}</title></rect>")
            base += value
    total = sum(totals)
    desc = f"Всего {number(total)} {unit} за {_span(times, tz)}" + _shares(series)
    return _chart(title, desc, f, top, times, tz, unit, parts, series)


def lines(title: str, times: Sequence[datetime], series: Sequence[Series], tz: tzinfo, *,
          unit: str, frame: Frame | None = None) -> Markup:
    """One line per series over ``times``, a dot with its figure at every bucket."""
    f = frame or Frame()
    top = nice_ceiling(max((v for s in series for v in s.values), default=0))
    step = f.plot_w / max(len(times), 1)
    parts: list[str] = []
    for n, s in enumerate(series):
        points = [(f.left + (i + 0.5) * step, _y(f, v, top)) for i, v in enumerate(s.values)]
        if not points:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="line s{n % PALETTE}" points="{path}"/>')
        for (x, y), moment, v in zip(points, times, s.values, strict=True):
            if v:
                tip = f"{_moment(moment, tz)} — {s.name}: {number(v)}"
                parts.append(f'<circle class="dot s{n % PALETTE}" cx="{x:.1f}" cy="{y:.1f}" '
                             f'r="2.5"><title>{escape(tip)}</title></circle>')
    desc = f"За {_span(times, tz)}" + _shares(series)
    return _chart(title, desc, f, top, times, tz, unit, parts, series)


def _y(f: Frame, value: float, top: int) -> float:
    return f.top + f.plot_h * (1 - value / top)


def _moment(moment: datetime, tz: tzinfo) -> str:
    return as_utc(moment).astimezone(tz).strftime("%d.%m.%Y %H:%M")


def _span(times: Sequence[datetime], tz: tzinfo) -> str:
    if not times:
        return "пустой период"
    return f"период с {_moment(times[0], tz)} по {_moment(times[-1], tz)}"


def _shares(series: Sequence[Series]) -> str:
    named = [f"{s.name}: {number(sum(s.values))}" for s in series if sum(s.values)]
    return (": " + "; ".join(named) + ".") if named else "; событий нет."


def _chart(title: str, desc: str, f: Frame, top: int, times: Sequence[datetime], tz: tzinfo,
           unit: str, body: list[str], series: Sequence[Series]) -> Markup:
    uid = f"chart{next(_ids)}"
    svg = [
        f'<svg class="chart" viewBox="0 0 {f.width} {f.height}" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>',
        *_y_axis(f, top, unit),
        *_x_axis(f, times, tz),
        *body,
        "</svg>",
    ]
    legend = "".join(
        f'<li><span class="swatch s{n % PALETTE}"></span>{escape(s.name)} '
        f'<span class="muted">{number(sum(s.values))}</span></li>'
        for n, s in enumerate(series))
    caption = f'<figcaption><ul class="legend">{legend}</ul></figcaption>' if series else ""
    return Markup(f'<figure class="chart">{"".join(svg)}{caption}</figure>')


def _y_axis(f: Frame, top: int, unit: str) -> list[str]:
    out: list[str] = []
    steps = 5 if top >= 5 else top  # whole numbers at every line: counts have no fractions
    for k in range(steps + 1):
        value = top * k // steps
        y = _y(f, value, top)
        label = number(value)
        out.append(f'<line class="grid" x1="{f.left}" x2="{f.width - f.right}" '
                   f'y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="tick" x="{f.left - 6}" y="{y + 4:.1f}" '
                   f'text-anchor="end">{escape(label)}</text>')
    mid = f.top + f.plot_h / 2
    out.append(f'<text class="axis-label" x="12" y="{mid:.1f}" text-anchor="middle" '
               f'transform="rotate(-90 12 {mid:.1f})">{escape(unit)}</text>')
    return out


def _x_axis(f: Frame, times: Sequence[datetime], tz: tzinfo) -> list[str]:
    base = f.top + f.plot_h
    out = [f'<line class="axis" x1="{f.left}" x2="{f.width - f.right}" y1="{base}" '
           f'y2="{base}"/>']
    if not times:
        return out
    step = f.plot_w / len(times)
    every = max(1, round(len(times) / 12))
    last_day = ""
    for i, moment in enumerate(times):
        if i % every:
            continue
        local = as_utc(moment).astimezone(tz)
        x = f.left + (i + 0.5) * step
        out.append(f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{base}" '
                   f'y2="{base + 4}"/>')
        out.append(f'<text class="tick" x="{x:.1f}" y="{base + 16}" '
                   f'text-anchor="middle">{local:%H:%M}</text>')
        day = f"{local:%d.%m.%Y}"
        if day != last_day:
            out.append(f'<text class="tick day" x="{x:.1f}" y="{base + 30}" '
                       f'text-anchor="middle">{day}</text>')
            last_day = day
    return out

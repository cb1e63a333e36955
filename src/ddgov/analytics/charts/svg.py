"""Small helpers the SVG renderers share: escaping, scales, ticks, text width, colours.

Charts are drawn on the server as plain SVG strings. Every text that comes from data goes
through :func:`esc`; the page's Content-Security-Policy forbids inline ``style`` attributes,
so shapes carry presentation attributes (``fill``, ``stroke``) and CSS classes only.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from html import escape

# Okabe-Ito colours, reordered so the first two are the site's accent and a warm contrast;
# distinguishable with the common colour-vision deficiencies.
SERIES_COLOURS = (
    "#0b5cad",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#7f6f00",
    "#1b1f24",
)
# ColorBrewer YlGnBu, 3 to 7 classes (sequential, print- and colour-blind-safe).
SEQUENTIAL = {
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
    7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
}
NO_DATA = "#e3e6ea"
INK = "#1b1f24"
MUTED = "#4a5460"
GRID = "#d5dbe3"
CHAR_EM = 0.56  # average advance of a Latin or Thai base character, in em


def esc(value: object) -> str:
    """Escape text for an SVG/HTML text node or a double-quoted attribute."""
    return escape(str(value), quote=True)


def num(value: float) -> str:
    """A coordinate with at most one decimal place and no trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def text_width(text: str, size: float) -> float:
    """Estimate the drawn width of ``text`` at font ``size``.

    Thai vowels above and below and the tone marks are combining characters that take no
    room of their own, so they are not counted.
    """
    advance = sum(
        0.0 if unicodedata.category(ch) == "Mn" else (1.0 if ord(ch) > 0x2E80 else CHAR_EM)
        for ch in text
    )
    return advance * size


def clip_text(text: str, size: float, width: float) -> str:
    """Shorten ``text`` with an ellipsis so it fits ``width`` (whole characters, marks kept)."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > width and unicodedata.category(ch) != "Mn":
            break
        out += ch
    return out.rstrip() + "…"


def nice_step(span: float, target: int) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten giving about ``target`` intervals over ``span``."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(target, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def nice_ticks(
    low: float, high: float, *, target: int = 5, integer: bool = False
) -> tuple[float, float, list[float]]:
    """Return a rounded domain covering ``low``..``high`` and its tick values."""
    if low == high:
        low, high = (low - 1, high + 1) if low != 0 else (0.0, 1.0)
    step = nice_step(high - low, target)
    if integer:
        step = max(1.0, round(step))
    start = math.floor(low / step) * step
    stop = math.ceil(high / step) * step
    count = round((stop - start) / step)
    ticks = [start + i * step for i in range(count + 1)]
    return start, stop, [0.0 if abs(t) < step * 1e-9 else t for t in ticks]


def value_domain(values: Iterable[float]) -> tuple[float, float]:
    """Low and high of a bar chart's value axis: always including zero."""
    items = list(values)
    if not items:
        return 0.0, 1.0
    return min(0.0, *items), max(0.0, *items)


class Scale:
    """A linear map from a data domain to a pixel range."""

    def __init__(self, domain: tuple[float, float], span: tuple[float, float]) -> None:
        """Map ``domain[0]`` to ``span[0]`` and ``domain[1]`` to ``span[1]``."""
        self.d0, self.d1 = domain
        self.r0, self.r1 = span

    def __call__(self, value: float) -> float:
        """The pixel position of ``value``."""
        if self.d1 == self.d0:
            return (self.r0 + self.r1) / 2
        return self.r0 + (value - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)


def svg_open(*, ident: str, width: float, height: float, css_class: str, label: str) -> str:
    """The opening ``<svg>`` tag: responsive, an image labelled by its title and description."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg {css_class}" '
        f'viewBox="0 0 {num(width)} {num(height)}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" data-chart="{esc(label)}">'
    )


def svg_heading(*, ident: str, title: str, description: str) -> str:
    """The ``<title>`` and ``<desc>`` screen readers announce for the whole chart."""
    return (
        f'<title id="{ident}-title">{esc(title)}</title>'
        f'<desc id="{ident}-desc">{esc(description)}</desc>'
    )


def text(
    x: float,
    y: float,
    content: str,
    *,
    size: float = 12,
    anchor: str = "start",
    css_class: str = "",
    fill: str = INK,
    extra: str = "",
) -> str:
    """One ``<text>`` element (escaped)."""
    klass = f' class="{css_class}"' if css_class else ""
    return (
        f'<text x="{num(x)}" y="{num(y)}" font-size="{num(size)}" text-anchor="{anchor}" '
        f'fill="{fill}"{klass}{extra}>{esc(content)}</text>'
    )

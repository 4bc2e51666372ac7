"""The board's charts as SVG, drawn on the server (no chart bundle on the phone; kept in the offline snapshot
with the figures). Each is an image with a label; the screen puts a table of the same numbers beside it for
screen readers. Sized for a 390 px phone: a 360-unit-wide view box that scales."""

from __future__ import annotations

from markupsafe import escape

from server.reports.labels import METRIC_NAMES, STAGE_NAMES, WEEKDAY_NAMES

WIDTH = 360
BAR = "#2f6fb3"
LINE = "#c0392b"
INK = "#1f2933"


def _svg(height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(label)}" font-family="sans-serif" font-size="11" fill="{INK}">' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: object, anchor: str = "start", size: int | None = None) -> str:
    sized = f' font-size="{size}"' if size else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{sized}>{escape(str(text))}</text>'


def funnel(stages: list[dict], label: str) -> str:
    """identified → referred → accepted → met → converted, as bars from the widest."""
    top = max((s["count"] for s in stages), default=0) or 1
    row, left, right = 26, 78, 40
    body = []
    for i, stage in enumerate(stages):
        y = 6 + i * row
        width = (WIDTH - left - right) * stage["count"] / top
        body.append(_text(0, y + 14, STAGE_NAMES[stage["stage"]]))
        body.append(f'<rect x="{left}" y="{y}" width="{max(width, 1):.1f}" height="{row - 8}" rx="3" fill="{BAR}"/>')
        body.append(_text(left + width + 4, y + 14, stage["count"]))
    return _svg(6 + len(stages) * row, label, body)


def hours(per_hour: list[dict], label: str, arrivals_name: str, p90_name: str) -> str:
    """Arrivals per hour of the day (bars) and the 90th percentile wait of each hour (a line, its own scale)."""
    height, base, left = 190, 160, 24
    if not per_hour:
        return _svg(40, label, [_text(WIDTH / 2, 24, "—", "middle")])
    first, last = per_hour[0]["hour"], per_hour[-1]["hour"]
    slots = last - first + 1
    step = (WIDTH - left) / slots
    most = max(h["arrivals"] for h in per_hour) or 1
    longest = max((h["p90_wait"] or 0) for h in per_hour) or 1
    body = [f'<line x1="{left}" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="{INK}" stroke-width="0.5"/>']
    points = []
    for h in per_hour:
        x = left + (h["hour"] - first) * step
        bar = (base - 20) * h["arrivals"] / most
        body.append(
            f'<rect x="{x + 1:.1f}" y="{base - bar:.1f}" width="{step - 2:.1f}" height="{bar:.1f}" fill="{BAR}"/>'
        )
        if h["p90_wait"] is not None:
            points.append(f"{x + step / 2:.1f},{base - (base - 20) * h['p90_wait'] / longest:.1f}")
        if (h["hour"] - first) % 2 == 0:
            body.append(_text(x + step / 2, base + 14, h["hour"], "middle", 10))
    if points:
        body.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    body.append(_text(left, 12, f"▮ {arrivals_name} (≤{most})", size=10))
    body.append(_text(WIDTH, 12, f"— {p90_name} (≤{longest:g})", "end", 10))
    return _svg(height, label, body)


def heatmap(cells: list[dict], label: str) -> str:
    """Arrivals by weekday (rows) and hour (columns): darker is busier."""
    if not cells:
        return _svg(40, label, [_text(WIDTH / 2, 24, "—", "middle")])
    first = min(c["hour"] for c in cells)
    last = max(c["hour"] for c in cells)
    left, top, row = 32, 16, 20
    step = (WIDTH - left) / (last - first + 1)
    most = max(c["arrivals"] for c in cells) or 1
    body = [_text(0, top + i * row + 14, WEEKDAY_NAMES[i], size=10) for i in range(7)]
    body += [
        _text(left + (h - first) * step + step / 2, 11, h, "middle", 9)
        for h in range(first, last + 1)
        if (h - first) % 2 == 0
    ]
    for c in cells:
        x, y = left + (c["hour"] - first) * step, top + c["weekday"] * row
        body.append(
            f'<rect x="{x + 0.5:.1f}" y="{y + 0.5:.1f}" width="{step - 1:.1f}" height="{row - 1}" fill="{BAR}" '
            f'fill-opacity="{0.12 + 0.88 * c["arrivals"] / most:.2f}"/>'
        )
    return _svg(top + 7 * row + 4, label, body)


def progress(rows: list[dict], label: str) -> str:
    """Each person's progress to each target they have: a bar to 100 % (a full bar is met)."""
    lines = [(r["user"]["display_name"], m, p) for r in rows for m, p in r["progress"].items() if p is not None]
    if not lines:
        return _svg(40, label, [_text(WIDTH / 2, 24, "—", "middle")])
    row, left = 30, 0
    body = []
    for i, (name, metric, share) in enumerate(lines):
        y = i * row
        body.append(_text(left, y + 11, f"{name} · {METRIC_NAMES[metric]}", size=10))
        body.append(f'<rect x="0" y="{y + 15}" width="{WIDTH - 50}" height="9" rx="4" fill="#d9e2ec"/>')
        width = (WIDTH - 50) * min(share, 1.0)
        color = "#2f855a" if share >= 1 else BAR
        body.append(f'<rect x="0" y="{y + 15}" width="{width:.1f}" height="9" rx="4" fill="{color}"/>')
        body.append(_text(WIDTH, y + 24, f"{share:.0%}", "end", 10))
    return _svg(len(lines) * row + 4, label, body)

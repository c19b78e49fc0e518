"""SVG plots of a sweep, written by hand (no plotting library): cycles vs energy with each
model's Pareto front, and the energy breakdown of every point."""
import math, os
from xml.sax.saxutils import escape

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"]
PARTS = ("mac", "aspad", "wspad", "acc", "param", "ext", "static")


def svg(width, height, body):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'font-family="sans-serif" font-size="11">\n'
            f'<rect width="{width}" height="{height}" fill="white"/>\n{body}</svg>\n')


def text(x, y, s, anchor="start", extra=""):
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {extra}>{escape(s)}</text>\n'


def log_ticks(lo, hi):
    """Round values in [lo, hi]: 1-2-5 per decade, finer mantissas when that gives fewer than 3."""
    for mantissas in ((1, 2, 5), (1, 1.5, 2, 3, 5, 7), (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9)):
        ticks = [m * 10 ** e for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
                 for m in mantissas if lo <= m * 10 ** e <= hi]
        if len(ticks) >= 3:
            return ticks
    return ticks


def short(v):
    for div, suf in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            return f"{v / div:g}{suf}"
    return f"{v:g}"


def panel(rows, front, model, x0, y0, w, h, color):
    """One model's cycles (x, log) vs energy (y, log) with its front joined."""
    pts = [(int(r["cycles"]), float(r["energy_uj"]), k) for k, r in rows.items() if r["model"] == model]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    xl, xh, yl, yh = min(xs) / 1.15, max(xs) * 1.15, min(ys) / 1.15, max(ys) * 1.15
    X = lambda v: x0 + w * (math.log(v) - math.log(xl)) / (math.log(xh) - math.log(xl))
    Y = lambda v: y0 + h - h * (math.log(v) - math.log(yl)) / (math.log(yh) - math.log(yl))
    out = f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="none" stroke="#888"/>\n'
    for v in log_ticks(xl, xh):
        out += f'<line x1="{X(v):.1f}" y1="{y0}" x2="{X(v):.1f}" y2="{y0 + h}" stroke="#eee"/>\n'
        out += text(X(v), y0 + h + 14, short(float(f"{v:.3g}")), "middle")
    for v in log_ticks(yl, yh):
        out += f'<line x1="{x0}" y1="{Y(v):.1f}" x2="{x0 + w}" y2="{Y(v):.1f}" stroke="#eee"/>\n'
        out += text(x0 - 4, Y(v) + 4, f"{v:.3g}", "end")
    # points with the same cost (an ASPAD the model does not fill) are drawn and labelled once
    line = sorted({(c, e): (c, e, k) for c, e, k in pts if k in front}.values(), key=lambda p: p[0])
    out += '<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>\n' % (
        color, " ".join(f"{X(c):.1f},{Y(e):.1f}" for c, e, _ in line))
    for c, e, k in pts:
        on = k in front
        r = rows[k]
        out += (f'<circle cx="{X(c):.1f}" cy="{Y(e):.1f}" r="{4 if on else 2.5}" fill="{color if on else "white"}" '
                f'stroke="{color}"><title>{escape(" ".join(k))}: {c} cycles, {e} uJ'
                f'{", RTL " + r["rtl_cycles"] if r["rtl_cycles"] else ""}</title></circle>\n')
        if r["rtl_cycles"]:
            out += f'<rect x="{X(c) - 6:.1f}" y="{Y(e) - 6:.1f}" width="12" height="12" fill="none" stroke="black"/>\n'
    for c, e, k in line:
        out += text(X(c) + 6, Y(e) - 5, f"{k[1]} b{k[2]}", extra='font-size="9" fill="#444"')
    out += text(x0 + w / 2, y0 - 8, model, "middle", 'font-weight="bold"')
    out += text(x0 + w / 2, y0 + h + 30, "cycles (cycle model)", "middle")
    out += text(x0 - 44, y0 + h / 2, "energy (uJ)", "middle",
                f'transform="rotate(-90 {x0 - 44} {y0 + h / 2})"')
    return out


def pareto_svg(rows, front):
    models = sorted({r["model"] for r in rows.values()})
    w, h, gap = 300, 260, 90
    body = "".join(panel(rows, front, m, 70 + i * (w + gap), 40, w, h, COLORS[i % len(COLORS)])
                   for i, m in enumerate(models))
    body += text(70, 345, "filled: Pareto front (fewest cycles for the energy); open: other points; "
                 "square: confirmed on the RTL; labels: array, bus bytes", extra='fill="#444"')
    return svg(70 + len(models) * (w + gap), 360, body)


def energy_svg(rows):
    """Horizontal stacked bars, one per model x point; components when the report has them."""
    keys = sorted(rows, key=lambda k: (k[0], int(rows[k]["cycles"])))
    have = [p for p in PARTS if any(rows[k][f"e_{p}_uj"] for k in keys)]
    parts = have or ["total"]
    val = lambda k, p: float(rows[k]["energy_uj"] if p == "total" else rows[k][f"e_{p}_uj"] or 0)
    top = max(sum(val(k, p) for p in parts) for k in keys)
    x0, w, bh = 230, 420, 12
    body = ""
    for i, k in enumerate(keys):
        y, x = 40 + i * (bh + 3), x0
        body += text(x0 - 6, y + bh - 2, f"{k[0]} {k[1]} bus {k[2]} aspad {k[3]} lat {k[4]}", "end",
                     'font-size="9"')
        for j, p in enumerate(parts):
            bw = w * val(k, p) / top
            body += (f'<rect x="{x:.1f}" y="{y}" width="{bw:.1f}" height="{bh}" '
                     f'fill="{COLORS[j % len(COLORS)]}"><title>{p}: {val(k, p):.3f} uJ</title></rect>\n')
            x += bw
        body += text(x + 4, y + bh - 2, f"{rows[k]['energy_uj']} uJ", extra='font-size="9"')
    legend = "".join(f'<rect x="{x0 + j * 70}" y="12" width="10" height="10" fill="{COLORS[j % len(COLORS)]}"/>'
                     + text(x0 + j * 70 + 14, 21, p) for j, p in enumerate(parts))
    note = "" if have else text(x0, 34, "(this compile report has no per-component energy: totals only)",
                                extra='font-size="9" fill="#444"')
    return svg(x0 + w + 80, 50 + len(keys) * (bh + 3), legend + note + body)


def write_plots(rows, front, out):
    if not rows:
        return
    for name, content in (("pareto.svg", pareto_svg(rows, front)), ("energy.svg", energy_svg(rows))):
        path = os.path.join(out, name)
        with open(path + ".tmp", "w") as f:
            f.write(content)
        os.replace(path + ".tmp", path)

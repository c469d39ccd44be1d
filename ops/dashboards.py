#!/usr/bin/env python3
"""Kinerja's Grafana dashboards without Grafana, from a Prometheus that scrapes Kinerja and
loads ops/prometheus/rules/*.yaml.

  links   for every panel of every dashboard, its queries as links to Prometheus' graph page,
          variables resolved as Grafana would resolve them (the demo prints these)
  render  a PNG per dashboard: every panel drawn with gnuplot where the dashboard places it,
          from the Prometheus HTTP API (query and query_range)

Variables are resolved like Grafana: each `label_values(selector, label)` in order, sorted as
the variable says, first value (a variable that includes "All" matches everything), unless
given with --var NAME=VALUE. Standard library and gnuplot only.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DASHBOARDS = os.path.join(ROOT, "dashboards")
GRID_COLUMNS = 24


class Prometheus:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def get(self, path, **params):
        query = urllib.parse.urlencode(params, doseq=True)
        try:
            with urllib.request.urlopen(f"{self.url}/api/v1/{path}?{query}", timeout=30) as r:
                doc = json.load(r)
        except urllib.error.HTTPError as e:
            doc = json.load(e)
        if doc.get("status") != "success":
            raise RuntimeError(f"{path} {params}: {doc.get('error', doc)}")
        return doc["data"]

    def label_values(self, label, selector):
        return self.get(f"label/{label}/values", **{"match[]": selector})

    def instant(self, expr):
        return self.get("query", query=expr)["result"]

    def range(self, expr, start, end, step):
        return self.get("query_range", query=expr, start=start, end=end, step=step)["result"]

    def graph_link(self, expr, instant):
        tab = 1 if instant else 0
        return (f"{self.url}/graph?g0.expr={urllib.parse.quote(expr, safe='')}"
                f"&g0.tab={tab}&g0.range_input=1h")


def load_dashboards():
    out = []
    for name in sorted(os.listdir(DASHBOARDS)):
        if name.endswith(".json"):
            with open(os.path.join(DASHBOARDS, name), encoding="utf-8") as f:
                out.append((name, json.load(f)))
    return out


def substitute(text, values):
    def repl(m):
        name = m.group(1) or m.group(2)
        return values.get(name, m.group(0))
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", repl, text)


def resolve_variables(prom, dashboard, overrides, rate_interval):
    values = {"__rate_interval": rate_interval, "__interval": "15s", "__range": "1h"}
    for v in dashboard["templating"]["list"]:
        name = v["name"]
        if v["type"] != "query":
            continue
        if name in overrides:
            values[name] = overrides[name]
            continue
        if v.get("includeAll"):
            values[name] = v.get("allValue", ".+")
            continue
        m = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", substitute(v["definition"], values))
        if not m:
            raise RuntimeError(f"variable {name}: cannot resolve {v['definition']}")
        options = sorted(prom.label_values(m.group(2), m.group(1)),
                         reverse=v.get("sort") == 2)
        values[name] = options[0] if options else ""
    return values


# --- links --------------------------------------------------------------------------------

def cmd_links(args, prom):
    for name, d in load_dashboards():
        values = resolve_variables(prom, d, args.var, args.rate_interval)
        shown = ", ".join(f"{k}={v}" for k, v in values.items() if not k.startswith("__"))
        print(f"\n{d['title']}  ({name}; {shown})")
        for p in d["panels"]:
            if p["type"] == "row":
                print(f"  -- {substitute(p['title'], values)}")
                continue
            for t in p["targets"]:
                expr = substitute(t["expr"], values)
                label = substitute(p["title"], values)
                if len(p["targets"]) > 1:
                    label += f" [{t.get('legendFormat') or t['refId']}]"
                print(f"  {label}\n    {prom.graph_link(expr, t.get('instant', False))}")


# --- render -------------------------------------------------------------------------------

def fmt(value, unit):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    if unit == "percentunit":
        return f"{value * 100:.1f}%"
    if unit == "s":
        if value >= 86400:
            return f"{value / 86400:.1f} d"
        if value >= 3600:
            return f"{value / 3600:.1f} h"
        if value >= 60:
            return f"{value / 60:.1f} min"
        return f"{value:.3g} s"
    if unit == "bytes":
        for factor, suffix in ((2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
            if value >= factor:
                return f"{value / factor:.1f} {suffix}"
        return f"{value:.0f} B"
    if unit == "ops":
        return f"{value:,.1f}/s" if value < 100 else f"{value:,.0f}/s"
    if unit.startswith("suffix:"):
        return f"{value:.1f}{unit[len('suffix:'):]}"
    if abs(value - round(value)) < 1e-9 or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def legend(fmt_string, labels, fallback):
    if not fmt_string:
        return fallback
    text = re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: labels.get(m.group(1), ""), fmt_string)
    return text.strip() or fallback


def gp_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def threshold_color(value, defaults):
    steps = defaults.get("thresholds", {}).get("steps", [])
    colors = {"green": "#2e7d32", "orange": "#ef6c00", "red": "#c62828", "blue": "#1565c0"}
    color = "#1565c0"
    if value is None or len(steps) < 2:
        return color
    for s in steps:
        if s["value"] is None or value >= s["value"]:
            color = colors.get(s["color"], color)
    return color


class Renderer:
    """Builds one gnuplot multiplot script for a dashboard, panel by panel."""

    def __init__(self, prom, dashboard, values, workdir, minutes):
        self.prom, self.d, self.values, self.dir = prom, dashboard, values, workdir
        self.end = time.time()
        self.start = self.end - minutes * 60
        self.step = max(5, int(minutes * 60 / 240))
        rows = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in dashboard["panels"])
        self.rows = rows
        self.width, self.unit_h = 1680, 34
        self.height = rows * self.unit_h + 60
        self.script = []
        self.files = 0

    def data_file(self, lines):
        self.files += 1
        path = os.path.join(self.dir, f"d{self.files}.dat")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def place(self, panel):
        g = panel["gridPos"]
        top = 50  # pixels for the dashboard title
        x = g["x"] / GRID_COLUMNS
        w = g["w"] / GRID_COLUMNS
        y = 1 - (top + (g["y"] + g["h"]) * self.unit_h) / self.height
        h = g["h"] * self.unit_h / self.height
        self.script += ["reset", "set encoding utf8", f"set origin {x:.5f},{y:.5f}",
                        f"set size {w:.5f},{h:.5f}", "set border lc rgb '#9e9e9e'",
                        "set tics textcolor rgb '#424242' font ',8'", "set key font ',8'"]

    def blank(self, title, lines, color="#212121", size=20, rows=None):
        """A panel of text: one big value, or lines of a table from the top (rows: capacity)."""
        self.script += ["unset border", "unset xtics", "unset ytics", "unset key",
                        f"set title {gp_string(title)} font ',10'",
                        "set xrange [0:1]", "set yrange [0:1]"]
        n = len(lines)
        step = 0.85 / max(rows or n, 1)
        for i, text in enumerate(lines):
            ypos = 0.5 if n == 1 else 0.92 - i * step
            font = size if n == 1 else 9
            just = "center" if n == 1 else "left"
            xpos = 0.5 if n == 1 else 0.02
            self.script.append(f"set label {i + 1} {gp_string(text)} at {xpos},{ypos:.3f} {just} "
                               f"font 'DejaVu Sans Mono,{font}' textcolor rgb '{color}'")
        self.script.append("plot NaN notitle")

    def query(self, target):
        expr = substitute(target["expr"], self.values)
        if target.get("instant"):
            return self.prom.instant(expr)
        return self.prom.range(expr, self.start, self.end, self.step)

    def render_panel(self, panel):
        title = substitute(panel["title"], self.values)
        self.place(panel)
        kind = panel["type"]
        if kind == "row":
            self.script += ["unset border", "unset xtics", "unset ytics", "unset key",
                            "set xrange [0:1]", "set yrange [0:1]",
                            f"set label 1 {gp_string(title)} at 0.005,0.5 left font ',11' "
                            "textcolor rgb '#0d47a1'", "plot NaN notitle"]
            return
        defaults = panel["fieldConfig"]["defaults"]
        unit = defaults.get("unit", "short")
        try:
            getattr(self, "render_" + kind)(panel, title, unit, defaults)
        except RuntimeError as e:  # a query Prometheus refused: show it, do not hide it
            self.blank(title, [f"error: {e}"[:80]], "#c62828", 8)

    def render_stat(self, panel, title, unit, defaults):
        result = self.query(panel["targets"][0])
        value = float(result[0]["value"][1]) if result else None
        self.blank(title, [fmt(value, unit)], threshold_color(value, defaults))

    def render_timeseries(self, panel, title, unit, defaults):
        series = []
        for t in panel["targets"]:
            for r in self.query(t):
                name = legend(t.get("legendFormat", ""), r["metric"], t["refId"])
                points = [(float(ts), float(v)) for ts, v in r["values"]]
                series.append((name, points))
        if not series:
            self.blank(title, ["no data"], "#757575", 12)
            return
        scale = 100 if unit == "percentunit" else 1
        ylabel = {"percentunit": "%", "s": "seconds", "bytes": "bytes", "ops": "per second"}
        tic = max(60, int((self.end - self.start) / (4 if panel["gridPos"]["w"] <= 8 else 8)))
        self.script += [f"set title {gp_string(title)} font ',10'", "set xdata time",
                        "set timefmt '%s'", "set format x '%H:%M'", f"set xtics {tic}",
                        f"set ylabel {gp_string(ylabel.get(unit, ''))} font ',8'",
                        "set grid ytics lc rgb '#e0e0e0'", "set yrange [0:*]"]
        # A legend only while it stays readable; many series (lag of 64 partitions) are drawn
        # all the same, and the title says how many.
        keyed = len(series) <= 8 and panel["gridPos"]["h"] >= 6
        if keyed:
            self.script.append("set key outside right top vertical font ',7'")
        else:
            self.script += ["unset key",
                            f"set title {gp_string(f'{title} ({len(series)} series)')} font ',10'"]
        plots = []
        for name, points in series:
            path = self.data_file(f"{ts:.0f} {v * scale:.10g}" for ts, v in points
                                  if not math.isnan(v))
            plots.append(f"'{path}' using 1:2 with lines lw 1.5 title {gp_string(name[:36])}")
        self.script.append("plot " + ", ".join(plots))

    def instant_rows(self, panel):
        """Instant table queries merged on their labels, as Grafana's merge transformation."""
        rows = {}
        for t in panel["targets"]:
            for r in self.query(t):
                key = tuple(sorted((k, v) for k, v in r["metric"].items()
                                   if k not in ("job", "__name__")))
                rows.setdefault(key, {})[t["refId"]] = float(r["value"][1])
        return rows

    def render_barchart(self, panel, title, unit, defaults):
        x_field = panel["options"]["xField"]
        names = {}
        for tr in panel.get("transformations", []):
            names.update(tr.get("options", {}).get("renameByName", {}))
        refs = [t["refId"] for t in panel["targets"]]
        by_x = {}
        for key, cols in self.instant_rows(panel).items():
            by_x.setdefault(dict(key).get(x_field, "?"), {}).update(cols)
        if not by_x:
            self.blank(title, ["no data"], "#757575", 12)
            return
        scale = 100 if unit == "percentunit" else 1
        path = self.data_file(
            f"{x} " + " ".join(f"{by_x[x].get(r, 0) * scale:.10g}" for r in refs)
            for x in sorted(by_x))
        stacked = panel["options"].get("stacking") == "normal"
        self.script += [f"set title {gp_string(title)} font ',10'", "set style data histograms",
                        "set style histogram rowstacked" if stacked else
                        "set style histogram clustered gap 1",
                        "set style fill solid 0.85 border -1", "set boxwidth 0.8",
                        "set xtics rotate by -45 font ',7'",
                        "set key outside right top vertical font ',7'",
                        "set yrange [0:*]", "set grid ytics lc rgb '#e0e0e0'"]
        if unit == "percentunit":
            self.script.append("set ylabel '%' font ',8'")
        plots = []
        for i, r in enumerate(refs):
            label = names.get(f"Value #{r}", r)
            xt = ":xtic(1)" if i == 0 else ""
            plots.append(f"'{path}' using {i + 2}{xt} title {gp_string(label)}")
        self.script.append("plot " + ", ".join(plots))

    def render_bargauge(self, panel, title, unit, defaults):
        bars = []
        for t in panel["targets"]:
            for r in self.query(t):
                bars.append((legend(t.get("legendFormat", ""), r["metric"], t["refId"]),
                             float(r["value"][1])))
        if not bars:
            self.blank(title, ["no data"], "#757575", 12)
            return
        bars.sort(key=lambda b: b[0])
        path = self.data_file(f"{i} {v:.10g} {gp_string(n)}" for i, (n, v) in enumerate(bars))
        self.script += [f"set title {gp_string(title)} font ',10'",
                        "set style fill solid 0.85 border -1", "unset key",
                        f"set yrange [-0.6:{len(bars) - 0.4}]", "set xrange [0:*]",
                        "set grid xtics lc rgb '#e0e0e0'",
                        f"plot '{path}' using (0):1:(0):2:($1-0.35):($1+0.35):ytic(3) "
                        "with boxxyerror lc rgb '#1565c0', "
                        f"'{path}' using 2:1:(sprintf('%.0f', abs($2))) with labels left offset 0.5,0 "
                        "font ',8'"]

    def render_histogram(self, panel, title, unit, defaults):
        values = [float(r["value"][1]) for r in self.query(panel["targets"][0])]
        values = [v for v in values if not math.isnan(v)]
        if not values:
            self.blank(title, ["no data"], "#757575", 12)
            return
        width = panel["options"].get("bucketSize", 0.05)
        scale = 100 if unit == "percentunit" else 1
        path = self.data_file(f"{v:.10g}" for v in values)
        self.script += [f"set title {gp_string(title)} font ',10'", "unset key",
                        "set style fill solid 0.85 border -1",
                        f"bin(x) = {width * scale} * floor(x / {width * scale})",
                        f"set boxwidth {width * scale * 0.9}",
                        "set ylabel 'agencies' font ',8'", "set yrange [0:*]",
                        f"set xrange [0:{scale * 1.05 if unit == 'percentunit' else '*'}]",
                        f"plot '{path}' using (bin($1*{scale})+{width * scale / 2}):(1) "
                        "smooth frequency with boxes lc rgb '#1565c0'"]

    def render_table(self, panel, title, unit, defaults):
        names = {}
        excluded = set()
        for tr in panel.get("transformations", []):
            names.update(tr.get("options", {}).get("renameByName", {}))
            excluded.update(k for k, v in tr.get("options", {}).get("excludeByName", {}).items()
                            if v)
        units = {o["matcher"]["options"]: next((p["value"] for p in o["properties"]
                                               if p["id"] == "unit"), "short")
                 for o in panel["fieldConfig"].get("overrides", [])}
        refs = [t["refId"] for t in panel["targets"]]
        value_cols = [f"Value #{r}" if len(refs) > 1 else "Value" for r in refs]
        headers = [names.get(c, c) for c in value_cols]
        rows = self.instant_rows(panel)
        label_cols = sorted({k for key in rows for k, _ in key} - excluded)
        sort_by = panel["options"].get("sortBy", [{}])[0]
        lines = []
        shown_values = [(h, r) for h, r, c in zip(headers, refs, value_cols) if c not in excluded]
        table = []
        for key, cols in rows.items():
            labels = dict(key)
            table.append(([labels.get(c, "") for c in label_cols],
                          [(cols.get(r), units.get(h, "short")) for h, r in shown_values]))
        if sort_by.get("displayName") in [h for h, _ in shown_values]:
            i = [h for h, _ in shown_values].index(sort_by["displayName"])
            table.sort(key=lambda row: (row[1][i][0] is None, row[1][i][0] or 0),
                       reverse=bool(sort_by.get("desc")))
        elif sort_by.get("displayName") in label_cols:
            i = label_cols.index(sort_by["displayName"])
            table.sort(key=lambda row: row[0][i])
        cells_text = [labels + [fmt(v, u) if v is not None else "-" for v, u in cells]
                      for labels, cells in table]
        head_all = label_cols + [h for h, _ in shown_values]
        widths = [min(max([len(h)] + [len(r[i]) for r in cells_text]), 24)
                  for i, h in enumerate(head_all)]
        head = label_cols + [h for h, _ in shown_values]
        lines.append("  ".join(h[:w].ljust(w) for h, w in zip(head, widths)))
        capacity = max(1, int(panel["gridPos"]["h"] * self.unit_h / 17) - 3)
        for labels, cells in table[:capacity]:
            texts = labels + [fmt(v, u) if v is not None else "-" for v, u in cells]
            lines.append("  ".join(t[:w].ljust(w) for t, w in zip(texts, widths)))
        if len(table) > capacity:
            lines.append(f"... {len(table) - capacity} more rows")
        self.blank(title, lines if table else ["no data"], rows=capacity + 2)

    def render(self, out_path):
        self.script = [f"set terminal pngcairo size {self.width},{self.height} "
                       "font 'DejaVu Sans,9' background rgb 'white' noenhanced",
                       f"set output {gp_string(out_path)}", "set multiplot",
                       "set origin 0,0", "set size 1,1", "unset border", "unset xtics",
                       "unset ytics", f"set label 1 {gp_string(self.d['title'])} at screen 0.01,"
                       f"{1 - 22 / self.height:.5f} font ',15' textcolor rgb '#0d47a1'",
                       f"set label 2 {gp_string(self.caption())} at screen 0.99,"
                       f"{1 - 22 / self.height:.5f} right font ',9' textcolor rgb '#616161'",
                       "plot [0:1][0:1] NaN notitle"]
        for panel in self.d["panels"]:
            self.render_panel(panel)
        self.script.append("unset multiplot")
        script = os.path.join(self.dir, "dashboard.gp")
        with open(script, "w", encoding="utf-8") as f:
            f.write("\n".join(self.script) + "\n")
        subprocess.run(["gnuplot", script], check=True)

    def caption(self):
        shown = ", ".join(f"{k} {v}" for k, v in self.values.items()
                          if not k.startswith("__") and k != "job")
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(self.end))
        return f"{shown} · {when} · drawn by ops/dashboards.py from Prometheus"


def cmd_render(args, prom):
    os.makedirs(args.out, exist_ok=True)
    for name, d in load_dashboards():
        values = resolve_variables(prom, d, args.var, args.rate_interval)
        out = os.path.join(args.out, name.replace(".json", ".png"))
        with tempfile.TemporaryDirectory() as tmp:
            Renderer(prom, d, values, tmp, args.minutes).render(out)
        print(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prometheus", required=True, help="Prometheus URL, http://host:port")
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                        help="a dashboard variable's value (default: Grafana's first value)")
    parser.add_argument("--rate-interval", default="1m", help="value of $__rate_interval")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("links", help="each panel's queries as Prometheus graph links")
    render = sub.add_parser("render", help="a PNG per dashboard, drawn with gnuplot")
    render.add_argument("--out", required=True, help="output directory")
    render.add_argument("--minutes", type=float, default=30, help="time range of time series")
    args = parser.parse_args()
    try:
        args.var = dict(v.split("=", 1) for v in args.var)
    except ValueError:
        parser.error("--var takes NAME=VALUE")
    prom = Prometheus(args.prometheus)
    try:
        {"links": cmd_links, "render": cmd_render}[args.command](args, prom)
    except (RuntimeError, urllib.error.URLError, subprocess.CalledProcessError) as e:
        sys.exit(f"dashboards.py: {e}")


if __name__ == "__main__":
    main()

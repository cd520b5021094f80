#!/usr/bin/env python3
"""Renders docs/benchmarks.md (and docs/scaling.png) from the results that
scripts/bench wrote: docs/data/bench.json (gunpp_bench, Google Benchmark's
JSON) and, when present, docs/data/compare.json (bench/compare_gunjs)."""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "docs/data")


def load(name):
    path = os.path.join(DATA, name)
    return json.load(open(path)) if os.path.exists(path) else None


def ms(value):
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f} ms"
    if value >= 1:
        return f"{value:.1f} ms"
    return f"{value:.3f} ms"


def size(n):
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt_ratio(r):
    return "—" if r is None else (f"{r:,.0f}×" if r >= 100 else f"{r:.1f}×")


def bench_section(bench):
    runs = {b["name"]: b for b in bench["benchmarks"] if b.get("run_type") != "aggregate"}
    ctx = bench["context"]
    lines = [
        "## gunpp_bench",
        "",
        f"`scripts/bench` on {ctx.get('host_name', '?')}: {ctx['num_cpus']} CPUs at "
        f"{ctx['mhz_per_cpu']} MHz; gunpp built as Release (Google Benchmark itself is "
        f"Debian's {ctx.get('library_build_type', '?')} build); {ctx['date']}.",
        "",
        "| benchmark | time | items/s | counters |",
        "|---|---|---|---|",
    ]
    for name, b in runs.items():
        unit = b["time_unit"]
        scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
        counters = ", ".join(
            f"{k} {b[k]:,.0f}" for k in ("bytes_per_key", "p50_turn_ns", "p99_turn_ns", "max_turn_ns")
            if k in b)
        items = f"{b['items_per_second'] / 1e6:,.2f} M" if "items_per_second" in b else "—"
        lines.append(f"| `{name}` | {ms(b['real_time'] * scale)} | {items} | {counters} |")
    return lines, runs


def time_of(runs, name):
    b = runs.get(name)
    if not b:
        return None
    return b["real_time"] * {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b["time_unit"]]


def targets_section(runs, compare):
    rows = []

    def add(what, value, goal, met):
        rows.append(f"| {what} | {value} | {goal} | {'met' if met else '**not met**'} |")

    t1k, t1m = time_of(runs, "BM_TurnCost/1000"), time_of(runs, "BM_TurnCost/1000000")
    if t1k and t1m:
        add("`BM_TurnCost` 1M / 1k", f"{t1m / t1k:.2f}", "≤ 1.3", t1m / t1k <= 1.3)
    p100k, p1m = time_of(runs, "BM_PutOneNode/100000"), time_of(runs, "BM_PutOneNode/1000000")
    f100k, f1m = time_of(runs, "BM_HashMapFloor/100000"), time_of(runs, "BM_HashMapFloor/1000000")
    if p100k and p1m and f100k and f1m:
        growth = (p1m / p100k) / (f1m / f100k)
        add("`BM_PutOneNode` growth 100k→1M over the floor's growth",
            f"{p1m / p100k:.1f} / {f1m / f100k:.1f} = {growth:.2f}", "≤ 1.2", growth <= 1.2)
        add("`BM_PutOneNode/1000000` / `BM_HashMapFloor/1000000`", f"{p1m / f1m:.2f}", "≤ 2", p1m / f1m <= 2)
    b = runs.get("BM_PutOneNode/1000000")
    if b and "bytes_per_key" in b:
        add("store bytes per key at 1M", f"{b['bytes_per_key']:.0f}", "≤ 150", b["bytes_per_key"] <= 150)
    c = runs.get("BM_ConcurrentPeers/64")
    if c:
        r = c["p99_turn_ns"] / c["p50_turn_ns"]
        add("64 peers: p99 / p50 turn latency", f"{r:.2f}", "≤ 2", r <= 2)
    if compare:
        big = [row for row in compare["rows"] if row["n"] == 1000000]
        if big:
            row = big[0]
            g = row["gunpp"]
            for impl, goal in (("fixed", 20), ("published", 500)):
                if row.get(impl):
                    r = row[impl]["ingest_ms"] / g["ingest_ms"]
                    add(f"1M-field message, JSON → applied: {impl} GUN.js / gunpp",
                        fmt_ratio(r), f"≥ {goal}×", r >= goal)
            if row.get("fixed"):
                r = row["fixed"]["get_ms"] / g["get_ms"]
                add("1M-field node, whole get: fixed GUN.js / gunpp", fmt_ratio(r), "≥ 50×", r >= 50)
    if not rows:
        return []
    return ["## Targets", "", "| measure | this run | target | |", "|---|---|---|---|", *rows, "",
            "Where the time goes, and what stands between a target and this run, is in "
            "[performance.md](performance.md).", ""]


def compare_section(compare):
    v = compare["versions"]
    lines = [
        "## Side by side with GUN.js",
        "",
        f"`scripts/bench --compare` on {v['machine']}; GUN.js {v['gun']} on Node {v['node']}; "
        f"gunpp {v['gunpp']} built by {v['compiler']}; {v['date']}.",
        "",
        "The same bytes (one GUN put message; or 64 peers' messages sent at once) go through, "
        "each in fresh processes: **published** GUN.js in memory (`require('gun/gun.js')`), "
        "**fixed** GUN.js (a copy patched at run time to resume with an index cursor instead of "
        "re-slicing the remaining keys every 9-key turn), and **gunpp** (`gunpp_ingest`). "
        "*Ingest* runs from the JSON text to every field applied; *get* is a get of the whole "
        "node until every reply chunk is produced. Times are the median of "
        f"{compare['runs']} runs (1 run where a published run took over "
        f"{compare['published_limit_s']:.0f} s); RSS is the process's peak.",
        "",
        "| workload | bytes | ingest: published | fixed | gunpp | get: published | fixed | gunpp "
        "| peak RSS MiB (pub / fixed / gunpp) | fixed / gunpp (ingest, get) | published / gunpp (ingest) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in compare["rows"]:
        p, f, g = row.get("published"), row.get("fixed"), row["gunpp"]
        get = lambda r, k: r[k] if r else None
        rss = " / ".join("—" if r is None else f"{r['peak_rss_mib']:.0f}" for r in (p, f, g))
        lines.append(
            f"| {row['workload']} | {size(row['bytes'])} | {ms(get(p, 'ingest_ms'))} | "
            f"{ms(get(f, 'ingest_ms'))} | {ms(g['ingest_ms'])} | {ms(get(p, 'get_ms'))} | "
            f"{ms(get(f, 'get_ms'))} | {ms(g['get_ms'])} | {rss} | "
            f"{fmt_ratio(ratio(get(f, 'ingest_ms'), g['ingest_ms']))}, "
            f"{fmt_ratio(ratio(get(f, 'get_ms'), g['get_ms']))} | "
            f"{fmt_ratio(ratio(get(p, 'ingest_ms'), g['ingest_ms']))} |")
    lines += ["", "![ingest time against node size, log-log](scaling.png)", ""]
    return lines


def plot(compare):
    rows = [r for r in compare["rows"] if r["n"]]
    data = os.path.join(DATA, "scaling.dat")
    with open(data, "w") as f:
        f.write("# fields published_ms fixed_ms gunpp_ms\n")
        for r in rows:
            cells = [r["published"]["ingest_ms"] if r.get("published") else "NaN",
                     r["fixed"]["ingest_ms"], r["gunpp"]["ingest_ms"]]
            f.write(f"{r['n']} " + " ".join(str(c) for c in cells) + "\n")
    script = f"""
set terminal pngcairo size 900,600 font ",11"
set output "{os.path.join(ROOT, 'docs/scaling.png')}"
set logscale xy
set xrange [500:2000000]
set grid
set key top left
set title "One node of N fields: JSON text to every field applied"
set xlabel "fields in the node (N)"
set ylabel "time (ms)"
set format x "10^{{%L}}"
plot "{data}" using 1:2 with linespoints lw 2 title "GUN.js as published", \\
     "{data}" using 1:3 with linespoints lw 2 title "GUN.js with the index-cursor fix", \\
     "{data}" using 1:4 with linespoints lw 2 title "gunpp"
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def update_readme(section):
    """Replaces the block between the bench markers in README.md with the
    side-by-side table of this run."""
    path = os.path.join(ROOT, "README.md")
    text = open(path).read()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start not in text or end not in text:
        return
    table = [l for l in section if l.startswith("|")]
    body = "\n".join(table + ["", "![ingest time against node size, log-log](docs/scaling.png)"])
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(f"{head}{start}\n{body}\n{end}{tail}")


def main():
    bench, compare = load("bench.json"), load("compare.json")
    if bench is None:
        sys.exit("report: run scripts/bench first (docs/data/bench.json is missing)")
    lines = [
        "# Benchmarks",
        "",
        "Produced by `scripts/bench` (gunpp_bench) and `scripts/bench --compare` (the side-by-side "
        "with GUN.js); regenerate them rather than editing this page. Machines here are shared and "
        "noisy: read ratios measured in one run, not absolute times. The raw results are in "
        "`docs/data/`.",
        "",
    ]
    bench_lines, runs = bench_section(bench)
    lines += targets_section(runs, compare)
    if compare:
        lines += compare_section(compare)
        plot(compare)
    lines += bench_lines + [""]
    with open(os.path.join(ROOT, "docs/benchmarks.md"), "w") as f:
        f.write("\n".join(lines))
    if compare:
        update_readme(compare_section(compare))
    print("report: wrote docs/benchmarks.md" + (" and docs/scaling.png" if compare else ""))


if __name__ == "__main__":
    main()

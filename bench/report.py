#!/usr/bin/env python3
"""Renders docs/benchmarks.md (and docs/scaling.png) from the results that
scripts/bench wrote: docs/data/bench.json (gunpp_bench, Google Benchmark's
JSON) and, when present, docs/data/compare.json (bench/compare_gunjs) and
docs/data/relay.json (bench/relay/run), docs/data/storage.json
(bench/storage/run), docs/data/sea.json (bench/sea/run) and
docs/data/cluster.json (bench/cluster/run)."""

import json
import os
import statistics
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
        add("`BM_TurnCost` 1M / 1k", f"{t1m / t1k:.2f}", "≤ 2", t1m / t1k <= 2)
    w = runs.get("BM_TurnWorst/1000000")
    if w and "max_over_p50" in w:
        add("`BM_TurnWorst/1000000` worst turn / median turn",
            f"{w['max_over_p50']:,.0f} ({w['max_turn_ns'] / 1e6:.2f} ms / {w['p50_turn_ns']:.0f} ns)",
            "≤ 20", w["max_over_p50"] <= 20)
    f = next((b for name, b in runs.items() if name.startswith("BM_TurnFloor/")), None)
    if f and "max_over_p50" in f:
        add("the machine's floor: `BM_TurnFloor` worst turn / median turn (fixed work, no memory)",
            f"{f['max_over_p50']:,.0f} ({f['max_turn_ns'] / 1e3:.1f} µs / {f['p50_turn_ns']:.0f} ns)",
            "≤ 20", f["max_over_p50"] <= 20)
    if w and f and "max_turn_ns" in w and "max_turn_ns" in f:
        ratio = w["max_turn_ns"] / f["max_turn_ns"]
        add("`BM_TurnWorst/1000000` worst turn / `BM_TurnFloor` worst turn",
            f"{ratio:.2f} ({w['max_turn_ns'] / 1e3:,.0f} µs / {f['max_turn_ns'] / 1e3:,.0f} µs)",
            "≤ 3", ratio <= 3)
    m = runs.get("BM_ChainMapTurns/100000/9")
    if m and "map_max_turn_ns" in m:
        add("`BM_ChainMapTurns/100000/9`: the worst turn of `map().on()` over a 100,000-item set / "
            "the worst turn of the plain put that wrote it",
            f"{m['map_max_over_put_max']:.2f} ({m['map_max_turn_ns'] / 1e3:.0f} µs / "
            f"{m['put_max_turn_ns'] / 1e3:.0f} µs; median turns {m['map_p50_turn_ns'] / 1e3:.1f} µs / "
            f"{m['put_p50_turn_ns'] / 1e3:.2f} µs)",
            "≤ 1", m["map_max_over_put_max"] <= 1)
    wire, floor, put = (time_of(runs, f"{b}/1000000")
                        for b in ("BM_WireIngest", "BM_DecodeFloor", "BM_PutOneNode"))
    if wire and floor and put:
        r = wire / (floor + put)
        add("`BM_WireIngest/1000000` / (`BM_DecodeFloor` + `BM_PutOneNode`)", f"{r:.2f}", "≤ 1.5", r <= 1.5)
    p100k, p1m = time_of(runs, "BM_PutOneNode/100000"), time_of(runs, "BM_PutOneNode/1000000")
    f100k, f1m = time_of(runs, "BM_HashMapFloor/100000"), time_of(runs, "BM_HashMapFloor/1000000")
    if p100k and p1m and f100k and f1m:
        growth = (p1m / p100k) / (f1m / f100k)
        add("`BM_PutOneNode` growth 100k→1M over the floor's growth",
            f"{p1m / p100k:.1f} / {f1m / f100k:.1f} = {growth:.2f}", "≤ 1.2", growth <= 1.2)
        add("`BM_PutOneNode/1000000` / `BM_HashMapFloor/1000000`", f"{p1m / f1m:.2f}", "≤ 2", p1m / f1m <= 2)
    b = runs.get("BM_PutOneNode/1000000")
    if b and "bytes_per_key" in b:
        add("store bytes per key at 1M", f"{b['bytes_per_key']:.1f}", "≤ 100", b["bytes_per_key"] <= 100)
    b = runs.get("BM_PutManySouls/100000")
    if b and "bytes_per_key" in b:
        add("store bytes per key, 100,000 souls of 10 fields", f"{b['bytes_per_key']:.1f}", "≤ 120",
            b["bytes_per_key"] <= 120)
    c = runs.get("BM_ConcurrentPeers/64")
    if c:
        r = c["p99_turn_ns"] / c["p50_turn_ns"]
        add("64 peers: p99 / p50 turn latency", f"{r:.2f}", "≤ 2", r <= 2)
    if compare:
        big = [row for row in compare["rows"] if row["n"] == 1000000]
        if big:
            row = big[0]
            g = row["gunpp"]
            for impl, goal in (("fixed", 25), ("published", 1000)):
                if row.get(impl):
                    r = row[impl]["ingest_ms"] / g["ingest_ms"]
                    add(f"1M-field message, JSON → applied: {impl} GUN.js / gunpp",
                        fmt_ratio(r), f"≥ {goal}×", r >= goal)
            lp = row.get("gunpp_large_pages")
            if lp and row.get("fixed"):
                r = row["fixed"]["ingest_ms"] / lp["ingest_ms"]
                add("1M-field message, JSON → applied: fixed GUN.js / gunpp on 2 MiB pages",
                    fmt_ratio(r), "≥ 25×", r >= 25)
            if lp and row.get("published"):
                r = row["published"]["ingest_ms"] / lp["ingest_ms"]
                add("1M-field message, JSON → applied: published GUN.js / gunpp on 2 MiB pages",
                    fmt_ratio(r), "≥ 1000×", r >= 1000)
            if row.get("fixed"):
                r = row["fixed"]["get_ms"] / g["get_ms"]
                add("1M-field node, whole get: fixed GUN.js / gunpp", fmt_ratio(r), "≥ 50×", r >= 50)
        many = [row for row in compare["rows"] if row.get("souls") == 100000]
        if many and many[0].get("fixed"):
            r = many[0]["fixed"]["ingest_ms"] / many[0]["gunpp"]["ingest_ms"]
            add("100,000 souls of 10 fields, JSON → applied: fixed GUN.js / gunpp",
                fmt_ratio(r), "≥ 20×", r >= 20)
            lp = many[0].get("gunpp_large_pages")
            if lp:
                r = many[0]["fixed"]["ingest_ms"] / lp["ingest_ms"]
                add("100,000 souls of 10 fields, JSON → applied: fixed GUN.js / gunpp on "
                    "2 MiB pages", fmt_ratio(r), "≥ 20×", r >= 20)
        for row in compare.get("apply", []):
            goal = 20 if row["workload"].startswith("one node") else 15
            r = row["fixed"]["wall_ms"] / row["gunpp"]["wall_ms"]
            add(f"`gunpp apply` end to end, {row['workload']}: fixed GUN.js / gunpp",
                fmt_ratio(r), f"≥ {goal}×", r >= goal)
            for impl, how in (("gunpp_stdin", "`gunpp apply < FILE`"),
                              ("gunpp_pipe", "`cat FILE \\| gunpp apply`")):
                if impl in row:
                    r = row[impl]["wall_ms"] / row["gunpp"]["wall_ms"]
                    add(f"{how} / `gunpp apply FILE`, {row['workload']}", f"{r:.2f}×",
                        "≤ 1.1×", r <= 1.1)
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
        f"{compare['published_limit_s']:.0f} s"
        + (f"; — where a published run, extrapolated quadratically from the size before, "
           f"would take over {compare['published_budget_s']:.0f} s"
           if "published_budget_s" in compare else "")
        + "); RSS is the process's peak.",
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
    if any(row.get("gunpp_large_pages") for row in compare["rows"]):
        lines += [
            "",
            "The same host on the heap the `gunpp` program uses for `apply` and `import`: "
            "`gunpp_ingest_large_pages`, which runs itself again with glibc's malloc on 2 MiB pages "
            "(`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`) "
            "([performance.md](performance.md#the-programs-heap-on-2-mib-pages)). The library "
            "does not choose an allocator; `gunpp_ingest` above runs on the system's malloc.",
            "",
            "| workload | ingest: gunpp | gunpp, 2 MiB pages | get: gunpp | gunpp, 2 MiB pages "
            "| peak RSS MiB (gunpp / 2 MiB pages) | fixed / gunpp, 2 MiB pages (ingest) |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in compare["rows"]:
            g, lp, f = row["gunpp"], row.get("gunpp_large_pages"), row.get("fixed")
            if not lp:
                continue
            lines.append(
                f"| {row['workload']} | {ms(g['ingest_ms'])} | {ms(lp['ingest_ms'])} | "
                f"{ms(g['get_ms'])} | {ms(lp['get_ms'])} | "
                f"{g['peak_rss_mib']:.0f} / {lp['peak_rss_mib']:.0f} | "
                f"{fmt_ratio(ratio(f['ingest_ms'] if f else None, lp['ingest_ms']))} |")
    if compare.get("apply"):
        lines += [
            "",
            "End to end, as a user runs it: `gunpp apply FILE > out.json` against fixed GUN.js "
            "doing the same (`bench/compare/gun_ingest.js --print`: load GUN, read the file, "
            "apply the messages, print the graph). Whole processes from start to exit, median "
            f"of {compare['runs']} runs; both printed the same graph. gunpp's output is "
            "canonical (souls and keys sorted); GUN.js prints its insertion order. `gunpp apply` "
            "runs on the program's heap (glibc's malloc on 2 MiB pages).",
            "",
            "| workload | bytes | fixed GUN.js | gunpp apply FILE | gunpp apply < FILE "
            "| cat FILE \\| gunpp apply | fixed / gunpp (slowest of the three) |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in compare["apply"]:
            f, g = row["fixed"]["wall_ms"], row["gunpp"]["wall_ms"]
            stdin = row.get("gunpp_stdin", {}).get("wall_ms")
            pipe = row.get("gunpp_pipe", {}).get("wall_ms")
            slowest = max(x for x in (g, stdin, pipe) if x is not None)
            lines.append(f"| {row['workload']} | {size(row['bytes'])} | {ms(f)} | {ms(g)} | "
                         f"{ms(stdin)} | {ms(pipe)} | {fmt_ratio(ratio(f, slowest))} |")
    lines += ["", "![ingest time against node size, log-log](scaling.png)", ""]
    return lines


def relay_section(relay):
    """docs/data/relay.json (bench/relay/run) as tables."""
    ctx, results = relay["context"], relay["results"]

    def find(kind, scenario, **options):
        for r in results:
            if (r["relay"] == kind and r["scenario"] == scenario and not r.get("saturation_step")
                    and all(r["options"].get(k) == v for k, v in options.items())):
                return r
        return None

    def num(value, digits=1):
        return "—" if value is None else f"{value:,.{digits}f}"

    def load_name(r):
        o = r["options"]
        if r["scenario"] == "all":
            return f"{o['writers']} writers all-to-all, {o['rate']:,} puts/s"
        return f"1 writer → {o['subscribers']:,} subscribers, {o['rate']:,} puts/s"

    lines = [
        "## Relays side by side",
        "",
        f"`scripts/bench --relay` on {ctx['cpu']}, {ctx['cores']} cores, Linux {ctx['kernel']}; "
        f"GUN.js 0.2020.1241 on Node {ctx['node']}; gunpp {ctx['commit']}; {ctx['date']}"
        + (" (a `--quick` run: shorter and fewer connections)" if ctx.get("quick") else "") + ".",
        "",
        "`bench/relay/load.cpp` (Boost.Beast clients in one process) drives each relay on "
        "127.0.0.1, started fresh for every row: **gunpp** (`gunpp relay`), **GUN.js** (the pinned "
        "`gun` as a relay, `tests/interop/gun_relay.js`) and the **floor** "
        "(`bench/relay/forwarder.cpp`: epoll, raw frames, no JSON; it copies each message to "
        "every other connection). Each put is one new key whose value carries its send time. "
        "CPU is the relay's own (`/proc/PID/stat`) from the first put to the last delivery, per "
        "1,000 delivered messages (the kernel samples the user/system split per 10 ms tick, so "
        "short runs split coarsely); latency is from send to receipt. gunpp and the floor run "
        "each fixed load in alternated rounds (GUN.js in the first): the targets take gunpp's "
        "median round, and against the floor the median of the rounds' ratios, each round's "
        "gunpp to the floor run right after it.",
        "",
        "| load | relay | delivered | lost / dup / echo | p50 | p99 | max | CPU ms / 1k | user ms / 1k | peak RSS MiB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    fixed = [r for r in results if r["scenario"] in ("fanout", "all") and not r.get("saturation_step")]
    for r in fixed:
        if "error" in r:
            lines.append(f"| {load_name(r)} | {r['relay']} | failed: {r['error']} |||||||| |")
            continue
        relay_name = r["relay"] + (f", round {r['round'] + 1}" if r.get("round") else "")
        lines.append(
            f"| {load_name(r)} | {relay_name} | {r['delivered']:,} / {r['expected']:,} | "
            f"{r['lost']} / {r['duplicated']} / {r['echoed']} | {num(r['p50_ms'], 2)} ms | "
            f"{num(r['p99_ms'], 2)} ms | {num(r['max_ms'], 1)} ms | {num(r['cpu_ms_per_1000'], 2)} | "
            f"{num(r['user_ms_per_1000'], 2)} | {r['peak_rss_kib'] / 1024:,.0f} |")

    rows = []

    def add(what, value, goal, met):
        rows.append(f"| {what} | {value} | {goal} | {'met' if met else '**not met**'} |")

    def rounds(kind, r):
        """Every round of `kind` in the load of `r`, in order."""
        return [x for x in fixed if x["relay"] == kind and x["scenario"] == r["scenario"]
                and x["options"] == r["options"] and "error" not in x]

    for r in fixed:
        if r["relay"] != "gunpp" or r.get("round", 0) != 0 or "error" in r:
            continue
        g = find("gun.js", r["scenario"], **r["options"])
        if not g or "error" in g or not g["cpu_ms_per_1000"]:
            continue
        ours = rounds("gunpp", r)
        cpu = statistics.median(x["cpu_ms_per_1000"] for x in ours)
        user = statistics.median(x["user_ms_per_1000"] for x in ours)
        p99 = statistics.median(x["p99_ms"] for x in ours)
        total = cpu / g["cpu_ms_per_1000"]
        add(f"{load_name(r)}: CPU per message, gunpp / GUN.js", f"{total:.2f}", "≤ 0.25", total <= 0.25)
        floors = rounds("floor", r)
        ratios = [a["cpu_ms_per_1000"] / b["cpu_ms_per_1000"]
                  for a, b in zip(ours, floors) if b["cpu_ms_per_1000"]]
        if ratios:
            floor = statistics.median(ratios)
            shown = f"{floor:.2f}" + (
                f" (median of {len(ratios)} rounds: {', '.join(f'{x:.2f}' for x in ratios)})"
                if len(ratios) > 1 else "")
            add(f"{load_name(r)}: CPU per message, gunpp / the floor", shown, "≤ 1.5", floor <= 1.5)
        if g["user_ms_per_1000"]:
            ratio = user / g["user_ms_per_1000"]
            add(f"{load_name(r)}: user CPU per message, gunpp / GUN.js", f"{ratio:.2f}", "≤ 0.1",
                ratio <= 0.1)
        add(f"{load_name(r)}: p99, gunpp vs GUN.js", f"{p99:.2f} vs {g['p99_ms']:.2f} ms",
            "lower", p99 < g["p99_ms"])
        lost, dup, echo = (sum(x[k] for x in ours) for k in ("lost", "duplicated", "echoed"))
        add(f"{load_name(r)}: gunpp lost / duplicated / echoed", f"{lost} / {dup} / {echo}",
            "0 / 0 / 0", lost == 0 and dup == 0 and echo == 0)
    idle = {r["relay"]: r for r in results if r["scenario"] == "idle" and "error" not in r}
    if "gunpp" in idle:
        k = idle["gunpp"]["kib_per_connection"]
        add(f"resident memory per idle connection ({idle['gunpp']['connections']:,} connections)",
            f"{k:.1f} KiB (GUN.js {idle['gun.js']['kib_per_connection']:.1f})" if "gun.js" in idle
            else f"{k:.1f} KiB", "≤ 10 KiB", k <= 10)
    slow = {r["relay"]: r for r in results if r["scenario"] == "slow" and "error" not in r}
    if "gunpp" in slow:
        peak = slow["gunpp"]["peak_rss_kib"] / 1024
        add("peak RSS with a subscriber that stops reading",
            f"{peak:,.0f} MiB (GUN.js {slow['gun.js']['peak_rss_kib'] / 1024:,.0f})" if "gun.js" in slow
            else f"{peak:,.0f} MiB", "bounded: ≤ the 64 MiB queue bound + 64 MiB", peak <= 64 + 64)
    lines += ["", "| relay target | this run | target | |", "|---|---|---|---|", *rows, ""]

    lines += ["**Saturation** (1 writer → 10 subscribers; rates tried in turn until one is not "
              "sustained: every message delivered once, p99 under 1 s):", "",
              "| relay | highest sustained rate | first rate not sustained |", "|---|---|---|"]
    for kind in ("gunpp", "gun.js", "floor"):
        steps = [r for r in results if r.get("saturation_step") and r["relay"] == kind]
        ok = [r["options"]["rate"] for r in steps if r.get("complete") and r.get("lost") == 0
              and r.get("duplicated") == 0 and r.get("p99_ms", 1e9) < 1000]
        bad = [r for r in steps if r["options"]["rate"] not in ok]
        worst = (f"{bad[0]['options']['rate']:,} puts/s ({bad[0].get('delivered', 0):,} of "
                 f"{bad[0].get('expected', 0):,} delivered, p99 {num(bad[0].get('p99_ms'), 0)} ms)"
                 if bad else "— (all sustained)")
        lines.append(f"| {kind} | {max(ok):,} puts/s ({max(ok) * 10:,} deliveries/s) | {worst} |"
                     if ok else f"| {kind} | — | {worst} |")

    lines += ["", "**A subscriber that stops reading** (1 writer, 5,000 puts/s of 4 KiB, 2 readers "
              "and 1 that never reads):", "",
              "| relay | delivered to the readers | peak RSS MiB | RSS at the end MiB |", "|---|---|---|---|"]
    for kind, r in slow.items():
        lines.append(f"| {kind} | {r['delivered']:,} / {r['expected']:,} | "
                     f"{r['peak_rss_kib'] / 1024:,.0f} | {r['rss_kib'] / 1024:,.0f} |")

    lines += ["", "**One put of many fields** through the relay, to one subscriber:", "",
              "| fields | frame | relay | delivered | time | relay CPU | peak RSS MiB |",
              "|---|---|---|---|---|---|---|"]
    for r in results:
        if r["scenario"] != "bigput" or "error" in r:
            continue
        time_text = ms(r["seconds"] * 1000) if r["complete"] else f"not in {r['seconds']:.0f} s"
        lines.append(f"| {r['fields']:,} | {size(r['frame_bytes'])} | {r['relay']} | "
                     f"{r['fields_delivered']:,} | {time_text} | {r['cpu_ms']:,.0f} ms | "
                     f"{r['peak_rss_kib'] / 1024:,.0f} |")

    lines += ["", "**Idle connections:**", "", "| relay | connections | KiB each |", "|---|---|---|"]
    for kind, r in idle.items():
        lines.append(f"| {kind} | {r['connections']:,} | {r['kib_per_connection']:.1f} |")
    return lines + [""]


def storage_section(storage):
    """docs/data/storage.json (bench/storage/run) as tables."""
    ctx = storage["context"]
    runs = {r["name"]: r for r in storage["runs"]}

    def num(value, digits=0):
        return "—" if value is None else f"{value:,.{digits}f}"

    lines = [
        "## Durable storage",
        "",
        f"`scripts/bench --storage` on {ctx['cpu']}, {ctx['cores']} cores, Linux {ctx['kernel']}; "
        f"GUN.js 0.2020.1241 (RAD) on Node {ctx['node']}; gunpp {ctx['commit']}; {ctx['date']}. "
        "Each row is a fresh process writing to a file in a temporary directory, puts of 100 "
        "fields of one soul, 64 in flight; an ack comes after the commit that holds the put. "
        "Reopen is a new process (gunpp: a new storage and store) up to the first field read.",
        "",
        "| run | fields | souls | acked fields/s | ack p50 | ack p99 | commits | evictions "
        "| peak RSS | reopen to first get |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in runs.items():
        souls = max(1, r["fields"] // 100)
        lines.append(
            f"| {name} | {num(r['fields'])} | {num(souls)} | {num(r['acked_fields_per_s'])} "
            f"| {ms(r['ack_p50_ms'])} | {ms(r['ack_p99_ms'])} | {num(r.get('commits'))} "
            f"| {num(r.get('evictions'))} | {r['peak_rss_mib']:.0f} MiB "
            f"| {ms(r.get('reopen_first_get_ms'))} |")
    ours, rad = runs.get("gunpp vs RAD"), runs.get("GUN.js RAD")
    batched = runs.get("gunpp batched")
    big = runs.get("gunpp 10M under 64 MiB")
    lines += ["", "Against the targets:", ""]
    if batched:
        lines.append(f"- batched durable ingest: {num(batched['acked_fields_per_s'])} fields/s "
                     f"(target ≥ 500,000: {'met' if batched['acked_fields_per_s'] >= 5e5 else 'not met'}).")
    if ours and rad:
        r = ours["acked_fields_per_s"] / rad["acked_fields_per_s"]
        lines.append(f"- acked fields/s against RAD on the same puts: {fmt_ratio(r)} "
                     f"(target ≥ 20×: {'met' if r >= 20 else 'not met'}); ack p50 "
                     f"{ms(ours['ack_p50_ms'])} against {ms(rad['ack_p50_ms'])}; restart to "
                     f"first read {ms(ours['reopen_first_get_ms'])} against "
                     f"{ms(rad['reopen_first_get_ms'])}.")
    if batched:
        lines.append(f"- reopen to first get at {num(batched['fields'])} fields: "
                     f"{ms(batched['reopen_first_get_ms'])} (target ≤ 50 ms: "
                     f"{'met' if batched['reopen_first_get_ms'] <= 50 else 'not met'}).")
    if big:
        limit = big["cache_mib"] + 64
        lines.append(f"- {num(big['fields'])} fields under a {big['cache_mib']} MiB cache budget: "
                     f"peak RSS {big['peak_rss_mib']:.0f} MiB (target ≤ {limit} MiB: "
                     f"{'met' if big['peak_rss_mib'] <= limit else 'not met'}).")
    return lines + [""]


def sea_section(sea):
    """docs/data/sea.json (bench/sea/run) as a table."""
    ctx = sea["context"]
    gun = max(sea["gun_sequential_per_s"], sea["gun_concurrent_per_s"])
    ours = sea["gunpp_per_s"]
    floor = sea.get("openssl_verify_per_s")
    lines = [
        "## SEA signature checks",
        "",
        f"`scripts/bench --sea` on {ctx['cpu']}, {ctx['cores']} cores; GUN.js 0.2020.1241 on "
        f"Node {ctx['node']}; gunpp {ctx['commit']}. {sea['fields']:,} fields of one user, "
        "signed with `gunpp sea put`, each checked as a relay checks a put: GUN.js through its "
        "SEA put hook (`SEA.opt.pack`, `SEA.verify`; best of awaiting each and of all at once), "
        "gunpp through `SeaVerifier` (BM_SeaVerify/1000, median of 3). One core each.",
        "",
        "| checker | signatures/s | against GUN.js |",
        "|---|---:|---:|",
        f"| GUN.js SEA, one at a time | {sea['gun_sequential_per_s']:,.0f} | |",
        f"| GUN.js SEA, all at once | {sea['gun_concurrent_per_s']:,.0f} | |",
        f"| gunpp SeaVerifier | {ours:,.0f} | {fmt_ratio(ours / gun)} |",
    ]
    if floor:
        lines.append(f"| OpenSSL `speed ecdsap256` verify (the floor) | {floor:,.0f} "
                     f"| {fmt_ratio(floor / gun)} |")
    lines += [
        "",
        f"- Target ≥ 10× GUN.js: {'met' if ours >= 10 * gun else 'not met'} "
        f"({fmt_ratio(ours / gun)}). "
        + (f"gunpp runs at {100 * ours / floor:.0f}% of OpenSSL's own verify rate; 10× GUN.js "
           f"would be {10 * gun:,.0f}/s, {fmt_ratio(10 * gun / floor)} the floor."
           if floor else ""),
        f"- On a relay's put path, a 1,000-field signed put, JSON in to acked: "
        f"{ms(sea['ingest_unchecked_ms'])} unchecked, {ms(sea['ingest_checked_ms'])} with SEA "
        f"({fmt_ratio(sea['ingest_checked_ms'] / sea['ingest_unchecked_ms'])}).",
        "",
    ]
    return lines


def cluster_section(cluster):
    """docs/data/cluster.json (bench/cluster/run) as a table."""
    ctx = cluster["context"]
    runs = cluster["runs"]
    gun_one = next((r for r in runs if r["name"] == "GUN.js, 1 relay with RAD"), None)
    pg_one = runs[0]
    floor = cluster.get("floor", {})
    lines = [
        "## Relay cluster on PostgreSQL",
        "",
        f"`scripts/bench --cluster` on {ctx['cpu']}, {ctx['cores']} cores (relays, PostgreSQL and "
        f"the load share them); {ctx['postgres']}; GUN.js 0.2020.1241 on Node {ctx['node']}; "
        f"gunpp {ctx['commit']}. Acked puts/s: 8 connections spread over the relays, 64 puts in "
        "flight each, one new key a put. Delivery: 1,000 puts/s from a writer on the first relay, "
        "a subscriber on every other relay (on the first, with one relay); CPU per 1,000 "
        "delivered messages from /proc over that run.",
        "",
        "| configuration | acked puts/s | delivered | p50 | p99 | relay CPU / 1k msgs "
        "| PostgreSQL CPU / 1k msgs |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        pg_cpu = f"{r['postgres_cpu_ms_per_1000']:.1f} ms" if r["kind"] == "pg" else "—"
        lines.append(f"| {r['name']} | {r['acked_per_s']:,.0f} | {r['delivered']:,}/"
                     f"{r['expected']:,} | {ms(r['p50_ms'])} | {ms(r['p99_ms'])} | "
                     f"{r['relay_cpu_ms_per_1000']:.1f} ms | {pg_cpu} |")
    if floor:
        lines.append(f"| PostgreSQL floor: the same rows upserted by a libpq program, batches of "
                     f"{floor['batch']} | {floor['rows_per_s']:,.0f} | | | | | |")
    lines.append("")
    worst_p99 = max(r["p99_ms"] for r in runs if r["kind"] == "pg" and r["relays"] > 1)
    lines.append(f"- Cross-relay delivery p99 ≤ 50 ms at 1,000 puts/s: "
                 f"{'met' if worst_p99 <= 50 else 'not met'} ({ms(worst_p99)} at worst).")
    if gun_one:
        r = pg_one["acked_per_s"] / gun_one["acked_per_s"]
        lines.append(f"- One relay on PostgreSQL ≥ 10× a GUN.js relay with RAD: "
                     f"{'met' if r >= 10 else 'not met'} ({fmt_ratio(r)}).")
    if floor:
        r = floor["rows_per_s"] / pg_one["acked_per_s"]
        lines.append(f"- Within 1.5× of PostgreSQL's floor: {'met' if r <= 1.5 else 'not met'} "
                     f"(the floor is {fmt_ratio(r)} the relay's rate).")
    lines.append("")
    return lines


def python_section(python):
    """docs/data/python.json (bench/python/run) as a table."""
    ctx = python["context"]
    trips = python["round_trip_ns"]
    c, cxx = trips.get("BM_RoundTripC"), trips.get("BM_RoundTripCxx")
    store = trips.get("BM_RoundTripStore")
    speedup = python["gunjs_s"] / python["python_gunpp_s"]
    lines = [
        "## The C ABI and Python",
        "",
        f"`scripts/bench --python` on {ctx['cpu']}, {ctx['cores']} cores; Python {ctx['python']}, "
        f"GUN.js 0.2020.1241 on Node {ctx['node']}; gunpp {ctx['commit']}. "
        f"{python['fields']:,} fields ({python['nodes']:,} nodes of "
        f"{python['fields'] // python['nodes']}) written with one put per node and read back "
        "with one get per node, in memory, timed inside each process, best of 3. Round trips: "
        "one field written locally, merged and read back (gunpp_bench, median of 5).",
        "",
        "| | time |",
        "|---|---:|",
        f"| Python on gunpp (`gunpp.Peer`: `put`, `get`) | {ms(python['python_gunpp_s'] * 1000)} |",
        f"| GUN.js in node (`gun.get().put()`, `gun.get().once()`) | {ms(python['gunjs_s'] * 1000)} |",
        f"| round trip through the C ABI (BM_RoundTripC) | {c:,.0f} ns |",
        f"| round trip through the C++ API on the same parts (BM_RoundTripCxx) | {cxx:,.0f} ns |",
        f"| round trip through the store alone (BM_RoundTripStore) | {store:,.0f} ns |",
        "",
        f"- From Python ≥ 10× GUN.js: {'met' if speedup >= 10 else 'not met'} "
        f"({fmt_ratio(speedup)}).",
        f"- The C ABI's round trip ≤ 1.2× the C++ API's: {'met' if c <= 1.2 * cxx else 'not met'} "
        f"({c / cxx:.2f}×).",
        "",
    ]
    return lines


def rad_section(rad):
    """docs/data/rad.json (bench/rad/run) as a table."""
    ctx = rad["context"]
    ours = rad["fields"] / rad["gunpp_import_s"]
    memory = rad["fields"] / rad["gunpp_memory_s"]
    gun = rad["fields"] / rad["gun_read_s"]
    return [
        "## Migrating a GUN.js relay (RAD)",
        "",
        f"`scripts/bench --rad` on {ctx['cpu']}, {ctx['cores']} cores; GUN.js 0.2020.1241 on Node "
        f"{ctx['node']}; gunpp {ctx['commit']}. A warm RAD folder of {rad['fields']:,} fields "
        f"({rad['souls']:,} souls, {rad['files']} files): the whole `gunpp import --radata` "
        "process into a fresh SQLite file, and GUN.js's RAD reading every soul into memory "
        "(a GET each, as a relay answers them); best of 3.",
        "",
        "| reader | time | fields/s |",
        "|---|---:|---:|",
        f"| `gunpp import --radata` into SQLite | {ms(rad['gunpp_import_s'] * 1000)} | {ours:,.0f} |",
        f"| gunpp, into memory (`rad::read_folder` into a store) | "
        f"{ms(rad['gunpp_memory_s'] * 1000)} | {memory:,.0f} |",
        f"| GUN.js RAD, into memory | {ms(rad['gun_read_s'] * 1000)} | {gun:,.0f} |",
        f"| floor: the store's own durable ingest into SQLite, no files | | "
        f"{rad['sqlite_floor_per_s']:,.0f} |",
        "",
        f"- ≥ 500,000 fields/s into SQLite: {'met' if ours >= 500000 else 'not met'} "
        f"({ours:,.0f}).",
        f"- ≥ 20× GUN.js: {'met' if ours >= 20 * gun else 'not met'} into SQLite "
        f"({fmt_ratio(ours / gun)}; the floor itself is {fmt_ratio(rad['sqlite_floor_per_s'] / gun)}, "
        f"and the import runs at {100 * ours / rad['sqlite_floor_per_s']:.0f}% of it); into "
        f"memory, as GUN.js reads, {fmt_ratio(memory / gun)}.",
        "",
    ]


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
    # The tables only, each followed by a blank line, the later ones under
    # a line that says what they are.
    labels = ["The same host with its heap on 2 MiB pages (`gunpp_ingest_large_pages`):",
              "`gunpp apply FILE > out.json` end to end:"]
    lines = []
    tables = 0
    for i, line in enumerate(section):
        if line.startswith("|"):
            if not lines or not section[i - 1].startswith("|"):
                if tables > 0 and tables <= len(labels):
                    lines += [labels[tables - 1], ""]
                tables += 1
            lines.append(line)
        elif lines and lines[-1] != "":
            lines.append("")
    body = "\n".join(lines + ["![ingest time against node size, log-log](docs/scaling.png)"])
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(f"{head}{start}\n{body}\n{end}{tail}")


def main():
    bench, compare, relay = load("bench.json"), load("compare.json"), load("relay.json")
    storage = load("storage.json")
    sea = load("sea.json")
    cluster = load("cluster.json")
    python = load("python.json")
    rad = load("rad.json")
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
    if relay:
        lines += relay_section(relay)
    if storage:
        lines += storage_section(storage)
    if sea:
        lines += sea_section(sea)
    if cluster:
        lines += cluster_section(cluster)
    if python:
        lines += python_section(python)
    if rad:
        lines += rad_section(rad)
    lines += bench_lines + [""]
    with open(os.path.join(ROOT, "docs/benchmarks.md"), "w") as f:
        f.write("\n".join(lines))
    if compare:
        update_readme(compare_section(compare))
    print("report: wrote docs/benchmarks.md" + (" and docs/scaling.png" if compare else ""))


if __name__ == "__main__":
    main()

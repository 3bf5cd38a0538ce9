#!/usr/bin/env python3
"""Records comparison runs and renders them as markdown for compare.sh.

  report.py record-load RESULTS SCENARIO ROW REP CLIENT STATUS CLIENT_STDOUT SERVER_CPU_US
      appends one run driven by CLIENT (c: the independent C client, whose RESULT, LATENCY and
      CLIENT lines are read; loadgen: the last JSON line it printed), with the server's CPU time
      over the counted window (0 when unknown); prints a one-line summary and exits 0 for a good
      run, exits 1 for a failed one (no output, a non-zero status)
  report.py record-idle RESULTS ROW REP CONNECTIONS RSS_BEFORE_KB RSS_AFTER_KB
      appends one idle-memory run (scenario e)
  report.py render RESULTS DOC --setting KEY=VALUE ...
      writes the medians between the generated-section markers of DOC (creating DOC if needed)
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

BEGIN = "<!-- BEGIN compare.sh results: generated, edits between these markers are overwritten -->"
END = "<!-- END compare.sh results -->"

SCENARIOS = {
    "a": "(a) 64 connections, 64 B messages, pipeline 16",
    "b": "(b) 16 connections, 1 KiB messages, pipeline 8",
    "c": "(c) 1 connection, 64 B messages, pipeline 1 (latency)",
    "d": "(d) 4 connections, 64 KiB messages, pipeline 2 (bulk)",
    "e": "(e) idle connections: server memory per connection",
    "tls": "(tls) 16 connections, 1 KiB messages, pipeline 8, over TLS",
}

ROW_ORDER = [
    "eddy-raw",
    "eddy-line",
    "eddy-length-prefix",
    "eddy-zlib-line",
    "eddy-zlibsmall-line",
    "eddyasync-raw",
    "eddyasync-line",
    "eddyuring-raw",
    "eddyuring-line",
    "eddyuring-length-prefix",
    "nio-raw",
    "nio-line",
    "nio-length-prefix",
    "nioasync-raw",
    "nioasync-line",
    "asyncio-raw",
    "uvloop-raw",
    "c-raw",
    "eddy-tls-raw",
    "nio-tls-raw",
]

SERVERS = {
    "eddy": "Eddy echo-server",
    "eddyasync": "Eddy echo-server --async",
    "eddyuring": "Eddy echo-server --backend io_uring",
    "nio": "SwiftNIO",
    "nioasync": "SwiftNIO NIOAsyncChannel",
    "asyncio": "asyncio",
    "uvloop": "uvloop",
    "c": "C epoll (limit)",
}


def row_parts(row):
    """'nio-length-prefix' -> ('nio', 'length-prefix'); the stack names use commas for zlib, and
    'zlibsmall' is zlib with a 1 KiB window and memory level 2 (as compare.sh's row_stack says).

    A TLS row keeps its 'tls-' prefix: 'nio-tls-raw' -> ('nio', 'tls-raw')."""
    server, _, stack = row.partition("-")
    stack = stack.replace("zlibsmall-", "zlib:window=10:memory=2,")
    return server, stack.replace("zlib-", "zlib,")


def stack_label(stack):
    """'tls-raw' -> 'raw over TLS'; plain stacks as they are."""
    return f"{stack.removeprefix('tls-')} over TLS" if stack.startswith("tls-") else stack


def append(path, record):
    with open(path, "a") as results:
        results.write(json.dumps(record) + "\n")


def last_json_line(path):
    try:
        with open(path) as output:
            lines = [line.strip() for line in output if line.strip().startswith("{")]
    except OSError:
        return None
    for line in reversed(lines):
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            continue
    return None


def c_client_report(path):
    """The C client's RESULT, LATENCY and CLIENT lines as one dictionary of numbers, or None."""
    fields = {}
    try:
        with open(path) as output:
            for line in output:
                tag, _, rest = line.strip().partition(" ")
                if tag not in ("RESULT", "LATENCY", "CLIENT"):
                    continue
                for item in rest.split():
                    key, _, value = item.partition("=")
                    try:
                        fields[f"{tag.lower()}.{key}"] = float(value)
                    except ValueError:
                        pass
    except OSError:
        return None
    if "result.msgs_per_s" not in fields:
        return None
    return {
        "msgs_per_s": fields["result.msgs_per_s"],
        "bytes_per_s": fields["result.MBps"] * 1e6,
        "p50_us": fields.get("latency.p50_us"),
        "p99_us": fields.get("latency.p99_us"),
        "errors": int(fields.get("result.errors", 0)),
        "messages": fields.get("client.msgs"),
    }


def loadgen_report(path):
    """loadgen's last JSON line in the same shape as the C client's report, or None."""
    report = last_json_line(path)
    if report is None:
        return None
    latency = report.get("latency_us", {})
    return {
        "msgs_per_s": float(report["msgs_per_s"]),
        "bytes_per_s": float(report["bytes_per_s"]),
        "p50_us": float(latency["p50"]),
        "p99_us": float(latency["p99"]),
        "errors": int(report.get("errors", 0)),
        "messages": float(report["received"]) if "received" in report else None,
    }


def record_load(results, scenario, row, rep, client, status, stdout_path, cpu_us):
    report = c_client_report(stdout_path) if client == "c" else loadgen_report(stdout_path)
    record = {
        "kind": "load",
        "scenario": scenario,
        "row": row,
        "rep": int(rep),
        "client": client,
        "status": int(status),
    }
    if report is None or int(status) != 0:
        record["ok"] = False
    else:
        record.update(ok=True, **report)
        messages = report["messages"]
        if int(cpu_us) > 0 and messages:
            record["server_cpu_us_per_msg"] = int(cpu_us) / messages
    append(results, record)
    if record["ok"]:
        cpu = record.get("server_cpu_us_per_msg")
        print(
            f"{record['msgs_per_s']:,.0f} msgs/s, {record['bytes_per_s'] / 1e6:,.1f} MB/s, "
            f"p50 {number(record['p50_us'])} us, p99 {number(record['p99_us'])} us, "
            f"server CPU {number(cpu, 2)} us/msg, {record['errors']} errors"
        )
    return record["ok"]


def record_idle(results, row, rep, connections, before_kb, after_kb):
    append(
        results,
        {
            "kind": "idle",
            "scenario": "e",
            "row": row,
            "rep": int(rep),
            "ok": True,
            "connections": int(connections),
            "rss_before_kb": int(before_kb),
            "rss_after_kb": int(after_kb),
        },
    )


def load_results(path):
    with open(path) as results:
        return [json.loads(line) for line in results if line.strip()]


def median_of(runs, key):
    values = [run[key] for run in runs if run["ok"] and run.get(key) is not None]
    return statistics.median(values) if values else None


def ratio(value, reference):
    if value is None or not reference:
        return "–"
    return f"{value / reference:.2f}x"


def number(value, digits=0):
    return "–" if value is None else f"{value:,.{digits}f}"


def machine_lines(settings):
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    def git(*arguments):
        try:
            return subprocess.run(["git", *arguments], capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "unknown"

    commit = git("rev-parse", "--short", "HEAD")
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    shown = ", ".join(f"{key} {value}" for key, value in settings.items())
    return [
        f"- Date: {now}; commit {commit}",
        f"- Machine: {os.cpu_count()} cores ({model}), Linux {platform.release()}",
        f"- Settings: {shown}",
        "- Each server pinned to core 0 (`taskset -c 0`), the client to core 1; runs alternate between "
        "servers; medians over the repetitions.",
    ]


CLIENTS = {
    "c": "the independent C client (Benchmarks/Sources/CEchoClient)",
    "loadgen": "Eddy's loadgen",
}


def load_tables(scenario, runs):
    """One table per client that drove the scenario, the independent client's first, then the rows
    whose ratio to the C limit the two clients disagree on by more than a tenth."""
    lines = [f"### {SCENARIOS[scenario]}", ""]
    ratios = {}
    for client in CLIENTS:
        client_runs = [run for run in runs if run.get("client", "loadgen") == client]
        if client_runs:
            table, ratios[client] = load_table(scenario, client, client_runs)
            lines += table
    if len(ratios) == 2:
        disagreements = [
            f"{SERVERS[row_parts(row)[0]]} {stack_label(row_parts(row)[1])}: {ratios['c'][row]:.2f}x with the C "
            f"client, {ratios['loadgen'][row]:.2f}x with loadgen"
            for row in sorted(ratios["c"].keys() & ratios["loadgen"].keys(), key=ROW_ORDER.index)
            if abs(ratios["c"][row] - ratios["loadgen"][row]) > 0.1 * ratios["c"][row]
        ]
        if disagreements:
            lines += ["The clients disagree (vs C limit) on: " + "; ".join(disagreements) + ".", ""]
        else:
            lines += ["The two clients agree on every row's ratio to the C limit within a tenth.", ""]
    return lines


def load_table(scenario, client, runs):
    rows = sorted({run["row"] for run in runs}, key=ROW_ORDER.index)
    runs_by_row = {row: [run for run in runs if run["row"] == row] for row in rows}
    throughput = {row: median_of(runs_by_row[row], "msgs_per_s") for row in rows}
    limit = throughput.get("c-raw")
    lines = [
        f"Client: {CLIENTS[client]}.",
        "",
        "| Server | Stack | msgs/s | MB/s | p50 µs | p99 µs | server CPU µs/msg | vs SwiftNIO | vs C limit "
        "| good runs |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        server, stack = row_parts(row)
        row_runs = runs_by_row[row]
        good = sum(1 for run in row_runs if run["ok"] and run.get("errors", 0) == 0)
        mbps = median_of(row_runs, "bytes_per_s")
        nio = throughput.get(f"nio-{stack}") if server != "nio" else None
        lines.append(
            f"| {SERVERS[server]} | {stack_label(stack)} | {number(throughput[row])} "
            f"| {number(mbps and mbps / 1e6, 1)} "
            f"| {number(median_of(row_runs, 'p50_us'))} | {number(median_of(row_runs, 'p99_us'))} "
            f"| {number(median_of(row_runs, 'server_cpu_us_per_msg'), 2)} "
            f"| {ratio(throughput[row], nio) if server != 'nio' else '1.00x'} "
            f"| {ratio(throughput[row], limit)} | {good}/{len(row_runs)} |"
        )
    if scenario == "tls":
        notes = [
            "Ratios compare msgs/s to SwiftNIO with swift-nio-ssl on the same stack; no C limit row runs over "
            "TLS. A good run exited 0 and reported no errors.",
            "",
            "Over TLS, Eddy's server runs EddyTLS on the system OpenSSL and SwiftNIO's runs swift-nio-ssl's "
            "`NIOSSLServerHandler` (BoringSSL), with the same P-256 certificate from "
            "`Tests/Interop/make_tls_certs.sh`; loadgen (`--tls`, on OpenSSL) is the client of both.",
        ]
    else:
        notes = [
            "Ratios compare msgs/s: to SwiftNIO on the same stack (raw for asyncio, uvloop and C), and to the C "
            "limit row. Server CPU is the server's user + system time from the end of the warm-up to the "
            "client's exit over the messages counted. A good run exited 0 and reported no errors.",
        ]
    lines += [""] + notes + [""]
    limited = {row: throughput[row] / limit for row in rows if limit and throughput[row]}
    return lines, limited


def idle_table(runs):
    rows = sorted({run["row"] for run in runs}, key=ROW_ORDER.index)
    per_connection = {}
    for row in rows:
        values = [
            (run["rss_after_kb"] - run["rss_before_kb"]) / run["connections"] for run in runs if run["row"] == row
        ]
        per_connection[row] = statistics.median(values)
    connections = max(run["connections"] for run in runs)
    lines = [
        f"### {SCENARIOS['e']}",
        "",
        f"{connections} connections, each echoing one 64-byte message and then idle; the server's VmRSS "
        "(from /proc/PID/status) before the first connection and with all of them open.",
        "",
        "| Server | Stack | RSS before MiB | RSS with connections MiB | KiB per connection | vs SwiftNIO |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        server, stack = row_parts(row)
        row_runs = [run for run in runs if run["row"] == row]
        before = statistics.median(run["rss_before_kb"] for run in row_runs) / 1024
        after = statistics.median(run["rss_after_kb"] for run in row_runs) / 1024
        nio = per_connection.get(f"nio-{stack}")
        lines.append(
            f"| {SERVERS[server]} | {stack} | {before:.1f} | {after:.1f} | {per_connection[row]:.2f} "
            f"| {ratio(per_connection[row], nio) if server != 'nio' else '1.00x'} |"
        )
    lines += ["", "Lower is better here: the ratio is memory per connection relative to SwiftNIO's.", ""]
    return lines


def render(results, doc, settings):
    records = load_results(results)
    section = [BEGIN, "", "## Side-by-side echo comparison", ""] + machine_lines(settings) + [""]
    for scenario in SCENARIOS:
        runs = [record for record in records if record["scenario"] == scenario]
        if not runs:
            continue
        section += idle_table(runs) if scenario == "e" else load_tables(scenario, runs)
    section.append(END)
    generated = "\n".join(section) + "\n"

    try:
        with open(doc) as existing:
            text = existing.read()
    except FileNotFoundError:
        text = "# Benchmarks\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        text = head + generated + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + generated
    os.makedirs(os.path.dirname(os.path.abspath(doc)), exist_ok=True)
    with open(doc, "w") as output:
        output.write(text)


def main():
    parser = argparse.ArgumentParser(description="record and render the echo comparison")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("record-load", help="append one loadgen run")
    for name in ("results", "scenario", "row", "rep", "client", "status", "stdout", "cpu_us"):
        load.add_argument(name)
    idle = commands.add_parser("record-idle", help="append one idle-memory run")
    for name in ("results", "row", "rep", "connections", "rss_before_kb", "rss_after_kb"):
        idle.add_argument(name)
    show = commands.add_parser("render", help="write the medians into the document")
    show.add_argument("results")
    show.add_argument("doc")
    show.add_argument("--setting", action="append", default=[], help="KEY=VALUE shown with the machine")
    options = parser.parse_args()
    if options.command == "record-load":
        ok = record_load(
            options.results,
            options.scenario,
            options.row,
            options.rep,
            options.client,
            options.status,
            options.stdout,
            options.cpu_us,
        )
        sys.exit(0 if ok else 1)
    if options.command == "record-idle":
        record_idle(
            options.results, options.row, options.rep, options.connections, options.rss_before_kb, options.rss_after_kb
        )
    else:
        render(options.results, options.doc, dict(item.partition("=")[::2] for item in options.setting))


if __name__ == "__main__":
    main()

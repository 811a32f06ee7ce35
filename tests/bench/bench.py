#!/usr/bin/env python3
"""bench.py: what `make bench` runs (through demos/bench.sh).

Measures, in one run, and prints:

 1. per family (inet, inet6, unix) x server model (iterative, fork, thread,
    prefork, prethread, select, poll, epoll): connections per second and round
    trips per second with 50 and 500 concurrent clients (both CPUs), and the
    round-trip latency of one client (server and load generator pinned to
    CPU 0), for three servers: ours (bin/FAMILY-server -q --model M --no-log),
    the floor (build/bench/floor, a bare C server of the same model) and,
    beside iterative, fork and thread, the Python socketserver class a user
    would write (TCPServer, ForkingTCPServer, ThreadingTCPServer and their
    UNIX counterparts). The goals are checked and printed, never asserted:
    every model >= 0.9x its floor; epoll >= 8x ThreadingTCPServer's
    connections per second.
 2. the cost of the trace: ours, epoll and iterative on inet, with -q and
    with the trace written to /dev/null (-o /dev/null).
 3. bin/compare's scenario 9 (64-byte round trip and stream throughput) for
    every family, and AF_INET's figures beside sockperf (UDP round trip) and
    iperf3 (TCP throughput), placed the same way: round trips with both ends
    pinned to CPU 0, throughput with both ends unpinned.
 4. a 1 GiB upload on AF_INET: ours (--service upload, SHA-256 on both ends)
    beside socat and `cat FILE | nc`, each receiver writing the file.

Every figure is the median of interleaved rounds (A, B, C, A, B, C, ...; the
order rotates from round to round) with its spread (min-max). Servers listen
on port 0 (or a UNIX path in a private directory) on loopback only; every
server is stopped with SIGTERM and its process group killed after it; the
directory is removed.

Environment: BENCH_WINDOW (seconds per measurement, default 0.25),
BENCH_ROUNDS (default 3), BENCH_POOL (prefork/prethread size, default 8),
BENCH_FAMILIES, BENCH_MODELS (space-separated subsets), BENCH_OURS (the
directory holding FAMILY-server, default bin), BENCH_REFERENCE=0 (skip 3),
BENCH_UPLOAD_MB (the upload's size, default 1024; 0 skips 4).

Exit status: 0, or 1 when a server failed to start or died, or a load run
reported errors.
"""
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOAD = os.path.join(ROOT, "build/bench/load")
FLOOR = os.path.join(ROOT, "build/bench/floor")
PYSERVER = os.path.join(ROOT, "tests/bench/pyserver.py")
COMPARE = os.path.join(ROOT, "bin/compare")
OURS = os.path.join(ROOT, os.environ.get("BENCH_OURS", "bin"))

WINDOW = float(os.environ.get("BENCH_WINDOW", "0.25"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
POOL = int(os.environ.get("BENCH_POOL", "8"))
FAMILIES = os.environ.get("BENCH_FAMILIES", "inet inet6 unix").split()
MODELS = os.environ.get("BENCH_MODELS", "iterative fork thread prefork prethread select poll epoll").split()
REFERENCE = os.environ.get("BENCH_REFERENCE", "1") != "0"
UPLOAD_MB = int(os.environ.get("BENCH_UPLOAD_MB", "1024"))
TRACE_ROUNDS = max(ROUNDS, 5)
PIN = ["taskset", "-c", "0"]

FAMILY_TITLE = {
    "inet": "AF_INET, 127.0.0.1, TCP",
    "inet6": "AF_INET6, ::1, TCP",
    "unix": "AF_UNIX, a socket file, SOCK_STREAM",
}
PY_KIND = {"iterative": "tcp", "fork": "forking", "thread": "threading"}
PY_NAME = {
    ("tcp", "inet"): "TCPServer", ("threading", "inet"): "ThreadingTCPServer",
    ("forking", "inet"): "ForkingTCPServer",
    ("tcp", "inet6"): "TCPServer (AF_INET6)", ("threading", "inet6"): "ThreadingTCPServer (v6)",
    ("forking", "inet6"): "ForkingTCPServer (v6)",
    ("tcp", "unix"): "UnixStreamServer", ("threading", "unix"): "ThreadingUnixStreamServer",
    ("forking", "unix"): "ForkingUnixStreamServer",
}

# the columns of the main table: (key, heading, load mode, clients, pinned)
COLUMNS = [
    ("conn50", "conn/s 50 cl", "connrate", 50, False),
    ("conn500", "conn/s 500 cl", "connrate", 500, False),
    ("rtt50", "rtt/s 50 cl", "rtt", 50, False),
    ("rtt500", "rtt/s 500 cl", "rtt", 500, False),
    ("lat1", "us/rtt 1 cl", "rtt", 1, True),
]

failures = []   # what makes the exit status 1
notes = []      # printed after the tables
settle_misses = 0


# the programs' messages in English, whatever LANG says: the runs are found by
# their "listening on ... port N" lines
os.environ["LANGUAGE"] = "C"

def model_arg(model):
    return "%s=%d" % (model, POOL) if model in ("prefork", "prethread") else model


def family_target(family, port_or_path):
    if family == "inet":
        return ["--inet", "127.0.0.1", port_or_path]
    if family == "inet6":
        return ["--inet6", "::1", port_or_path]
    return ["--unix", port_or_path]


class Server:
    """One server process in its own session (so its children can be killed
    with it). parse(line) returns the load generator's target, or None."""

    def __init__(self, label, argv, family, parse, tmp, pin=False):
        self.label, self.family, self.parse, self.tmp = label, family, parse, tmp
        self.argv = (PIN if pin else []) + argv
        self.proc = None
        self.target = None
        self.failed = None
        self.status = None

    def start(self):
        base = os.path.join(self.tmp, "srv-%d" % id(self))
        self.out_path, self.err_path = base + ".out", base + ".err"
        try:
            with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
                self.proc = subprocess.Popen(self.argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                             start_new_session=True, cwd=ROOT)
        except OSError as e:
            self.failed = "cannot run %s: %s" % (self.argv[0], e.strerror)
            return False
        limit = time.monotonic() + 5
        while time.monotonic() < limit:
            with open(self.out_path, "r", errors="replace") as f:
                for line in f:
                    t = self.parse(line.strip())
                    if t:
                        self.target = t
                        return True
            if self.proc.poll() is not None:
                break
            time.sleep(0.01)
        if self.proc.poll() is not None:
            err = open(self.err_path, errors="replace").read().strip().splitlines()
            self.failed = "exited with status %d%s" % (self.proc.returncode, (": " + err[0]) if err else "")
        else:
            self.failed = "no 'listening' line within 5 s"
        self.stop()
        return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.status = self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                notes.append("%s did not stop within 3 s of SIGTERM: killed" % self.label)
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.status = self.proc.wait()
        else:
            self.status = self.proc.returncode
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)   # children left behind, if any
        except (ProcessLookupError, PermissionError):
            pass
        self.proc = None


def parse_ours(family, path):
    def parse(line):
        if family == "unix":
            return family_target(family, path) if "listening on" in line else None
        m = re.search(r"listening on \S+ port (\d+)", line)
        return family_target(family, m.group(1)) if m else None
    return parse


def parse_floor(family):
    def parse(line):
        m = re.match(r"listening on (\S+)$", line)
        return family_target(family, m.group(1)) if m else None
    return parse


def parse_python(family):
    def parse(line):
        if family == "unix":
            return family_target(family, line) if line.startswith("/") else None
        return family_target(family, line) if line.isdigit() else None
    return parse


def ours(family, model, tmp, pin=False, trace=False):
    path = os.path.join(tmp, "ours-%s.sock" % model)
    argv = [os.path.join(OURS, "%s-server" % family)]
    argv += ["-o", "/dev/null"] if trace else ["-q"]
    argv += ["--model", model_arg(model), "--no-log"]
    argv += ["-a", path] if family == "unix" else ["-p", "0"]
    return Server("ours" if not trace else "ours -o /dev/null", argv, family, parse_ours(family, path), tmp, pin)


def floor(family, model, tmp, pin=False):
    path = os.path.join(tmp, "floor-%s.sock" % model)
    argv = [FLOOR, "--model", model_arg(model)]
    argv += ["--unix", path] if family == "unix" else ["--" + family]
    return Server("floor", argv, family, parse_floor(family), tmp, pin)


def python(family, kind, tmp, pin=False):
    path = os.path.join(tmp, "py-%s.sock" % kind)
    argv = [sys.executable, PYSERVER, kind, family] + ([path] if family == "unix" else [])
    return Server(PY_NAME[(kind, family)], argv, family, parse_python(family), tmp, pin)


def settle():
    """Wait (at most 0.5 s) until nothing else runs: the tail of the previous
    measurement (children exiting, resets being processed) must not land in
    the next one."""
    global settle_misses
    if settle_misses > 10:
        return
    limit = time.monotonic() + 0.5
    quiet = 0
    while time.monotonic() < limit:
        with open("/proc/stat") as f:
            running = next((int(l.split()[1]) for l in f if l.startswith("procs_running")), 1)
        quiet = quiet + 1 if running <= 1 else 0
        if quiet >= 2:
            return
        time.sleep(0.003)
    settle_misses += 1


def measure(server, mode, clients, pin):
    """One load run: {'rate', 'served', 'errors', 'err'} or {'failed': why}."""
    if server.failed:
        return {"failed": "failed"}
    if not server.alive():
        server.failed = "died (status %s)" % server.proc.returncode
        failures.append("%s %s: %s" % (server.family, server.label, server.failed))
        return {"failed": "died"}
    settle()
    argv = (PIN if pin else []) + [LOAD] + server.target + [
        "--mode", mode, "--clients", str(clients), "--seconds", str(WINDOW)]
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=WINDOW + 20)
    except subprocess.TimeoutExpired:
        return {"failed": "timeout"}
    kv = dict(re.findall(r"(\w+)=([0-9.]+)", r.stdout))
    if "rate" not in kv:
        return {"failed": "load: " + (r.stderr.strip().splitlines() or ["no output"])[0]}
    res = {"rate": float(kv["rate"]), "served": int(kv.get("served", clients)),
           "errors": int(kv["errors"]), "err": r.stderr.strip()}
    return res


class Cell:
    """The rounds of one figure."""

    def __init__(self, latency=False):
        self.latency = latency
        self.rates = []
        self.failed = None
        self.errors = []
        self.starved = False
        self.clients = 0

    def add(self, res, clients):
        self.clients = clients
        if "failed" in res:
            self.failed = self.failed or res["failed"]
            return
        self.rates.append(res["rate"])
        if res["served"] < clients:
            self.starved = True
        if res["errors"]:
            self.errors.append(res["err"])

    def median(self):
        return statistics.median(self.rates) if self.rates and not self.failed else None

    def text(self):
        if self.failed:
            return self.failed
        if not self.rates:
            return "-"
        mark = ("!" if self.errors else "") + ("*" if self.starved else "")
        if self.latency:
            us = [1e6 / r if r > 0 else float("inf") for r in self.rates]
            return "%.1f (%.1f-%.1f)%s" % (statistics.median(us), min(us), max(us), mark)
        return fmt_rate(self.rates) + mark


def fmt_rate(rates):
    med = statistics.median(rates)
    if med >= 100000:
        f = lambda x: "%.0f" % (x / 1000)
        unit = "k"
    elif med >= 1000:
        f = lambda x: "%.1f" % (x / 1000)
        unit = "k"
    else:
        f = lambda x: "%.0f" % x
        unit = ""
    return "%s%s (%s-%s)" % (f(med), unit, f(min(rates)), f(max(rates)))


def ratio(a, b):
    ma, mb = a.median(), b.median()
    if ma is None or mb is None or mb == 0:
        return None
    return ma / mb


def run_rounds(servers, columns, rounds, cells):
    """Interleaved: per round, per column, every server in turn (rotated)."""
    for r in range(rounds):
        order = servers[r % len(servers):] + servers[:r % len(servers)]
        for key, _, mode, clients, pin in columns:
            for s in order:
                cells[(s.label, key)].add(measure(s, mode, clients, pin), clients)


start_failures = {}   # (label, why) -> where


def start_all(servers, where):
    for s in servers:
        if not s.start():
            argv0 = s.argv[3 if s.argv[0] == "taskset" else 0]
            if argv0.startswith(ROOT + "/"):
                argv0 = os.path.relpath(argv0, ROOT)
            start_failures.setdefault((s.label, argv0, s.failed), []).append(where)


def bench_family(family, tmp):
    """The main table's rows for one family: {model: {label: {key: Cell}}}."""
    table = {}
    for model in MODELS:
        kind = PY_KIND.get(model)
        labels = ["ours", "floor"] + ([PY_NAME[(kind, family)]] if kind else [])
        cells = {(l, c[0]): Cell(latency=c[4]) for l in labels for c in COLUMNS}
        for pinned in (False, True):
            servers = [ours(family, model, tmp, pin=pinned), floor(family, model, tmp, pin=pinned)]
            if kind:
                servers.append(python(family, kind, tmp, pin=pinned))
            start_all(servers, "%s %s%s" % (family, model, " (pinned)" if pinned else ""))
            try:
                run_rounds(servers, [c for c in COLUMNS if c[4] == pinned], ROUNDS, cells)
            finally:
                for s in servers:
                    s.stop()
                    if s.status not in (None, 0) and not s.failed:
                        notes.append("%s %s %s exited with status %d after SIGTERM"
                                     % (family, model, s.label, s.status))
        for (label, key), c in cells.items():
            for e in c.errors:
                failures.append("%s %s %s %s: %s" % (family, model, label, key, e))
        table[model] = {l: {c[0]: cells[(l, c[0])] for c in COLUMNS} for l in labels}
        print("  measured %s %s" % (family, model), file=sys.stderr, flush=True)
    return table


W0, W1, WC = 10, 27, 20


def print_family(family, table):
    print()
    print("%s: median of %d rounds (min-max), %.2g s per measurement" % (FAMILY_TITLE[family], ROUNDS, WINDOW))
    print("%-*s%-*s" % (W0, "", W1, "") + "".join("%-*s" % (WC, c[1]) for c in COLUMNS))
    misses, checked = [], 0
    for model, rows in table.items():
        first = True
        for label, cells in rows.items():
            print("%-*s%-*s" % (W0, model if first else "", W1, label)
                  + "".join("%-*s" % (WC, cells[c[0]].text()) for c in COLUMNS))
            first = False
            if label == "floor":
                line = []
                for c in COLUMNS:
                    q = ratio(rows["ours"][c[0]], rows["floor"][c[0]])
                    line.append("%.2fx" % q if q is not None else "-")
                    if q is not None:
                        checked += 1
                        if q < 0.9:
                            misses.append("%s %s %.2fx" % (model, c[1], q))
                print("%-*s%-*s" % (W0, "", W1, "ours/floor") + "".join("%-*s" % (WC, x) for x in line))
    print("goals, %s:" % family)
    total = len(table) * len(COLUMNS)
    if checked == 0:
        print("  every model >= 0.9x its floor: not measured (ours did not run)")
    elif misses:
        print("  every model >= 0.9x its floor: MISS, %d of %d figures under 0.9x (%d measured): %s"
              % (len(misses), total, checked, ", ".join(misses)))
    else:
        print("  every model >= 0.9x its floor: %s, all %d figures measured >= 0.9x"
              % ("PASS" if checked == total else "PASS so far (%d of %d measured)" % (checked, total), checked))
    pyname = PY_NAME[("threading", family)]
    if "epoll" in table and "thread" in table:
        parts = []
        for key, head in (("conn50", "50 clients"), ("conn500", "500 clients")):
            q = ratio(table["epoll"]["ours"][key], table["thread"][pyname][key])
            parts.append("%s %s" % (head, "%.1fx %s" % (q, "PASS" if q >= 8 else "MISS") if q is not None
                                    else "not measured"))
        print("  epoll >= 8x %s connections/s: %s" % (pyname, "; ".join(parts)))


def bench_trace(tmp):
    """Ours with and without the trace, interleaved."""
    cols = [c for c in COLUMNS if c[0] in ("conn50", "rtt50")]
    out = {}
    for model in [m for m in ("epoll", "iterative") if m in MODELS]:
        servers = [ours("inet", model, tmp), ours("inet", model, tmp, trace=True)]
        cells = {(s.label, c[0]): Cell() for s in servers for c in cols}
        start_all(servers, "inet %s (trace)" % model)
        try:
            run_rounds(servers, cols, TRACE_ROUNDS, cells)
        finally:
            for s in servers:
                s.stop()
        for (label, key), c in cells.items():
            for e in c.errors:
                failures.append("inet %s %s %s: %s" % (model, label, key, e))
        out[model] = cells
    print()
    print("The cost of the trace: ours on AF_INET, -q against the trace written to /dev/null (-o /dev/null),")
    print("interleaved, median of %d rounds (min-max), %.2g s per measurement, both CPUs" % (TRACE_ROUNDS, WINDOW))
    print("%-*s%-*s" % (W0, "", W1, "") + "".join("%-*s" % (WC, c[1]) for c in cols))
    for model, cells in out.items():
        print("%-*s%-*s" % (W0, model, W1, "-q") + "".join("%-*s" % (WC, cells[("ours", c[0])].text()) for c in cols))
        print("%-*s%-*s" % (W0, "", W1, "-o /dev/null")
              + "".join("%-*s" % (WC, cells[("ours -o /dev/null", c[0])].text()) for c in cols))
        line = []
        for c in cols:
            q = ratio(cells[("ours -o /dev/null", c[0])], cells[("ours", c[0])])
            line.append("%.2fx" % q if q is not None else "-")
        print("%-*s%-*s" % (W0, "", W1, "traced/quiet") + "".join("%-*s" % (WC, x) for x in line))


def free_port():
    """A port the kernel picks (for tools that cannot take port 0)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return str(port)


def spread(xs, fmt):
    if not xs:
        return "not measured"
    return (fmt % statistics.median(xs)) + " (" + (fmt % min(xs)) + "-" + (fmt % max(xs)) + ")"


def bench_reference(tmp):
    """bin/compare's scenario 9 and the reference tools, in the same rounds."""
    rtt, thr = {}, {}        # (family/type) -> values
    sock_rtt, iperf_thr = [], []
    have_sockperf = shutil.which("sockperf") is not None
    have_iperf = shutil.which("iperf3") is not None
    sp = ip = None
    sp_port, ip_port = free_port(), free_port()
    try:
        if have_sockperf:
            sp = subprocess.Popen(PIN + ["sockperf", "server", "-i", "127.0.0.1", "-p", sp_port],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        if have_iperf:
            ip = subprocess.Popen(["iperf3", "-s", "-i", "0", "-p", ip_port, "-B", "127.0.0.1"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(0.3)

        def compare_rtt():
            r = run(PIN + [COMPARE, "--only", "rtt", "--json"], 30)
            for row, fam, kind, vals in compare_cells(r):
                rtt.setdefault("%s/%s" % (fam, kind), []).append(vals["median_ns"] / 1000)

        def compare_thr():
            r = run([COMPARE, "--only", "throughput", "--json"], 30)
            for row, fam, kind, vals in compare_cells(r):
                thr.setdefault("%s/%s" % (fam, kind), []).append(vals["median_mbs"])

        def sockperf():
            if not sp or sp.poll() is not None:
                return
            r = run(PIN + ["sockperf", "ping-pong", "-i", "127.0.0.1", "-p", sp_port, "-m", "64", "-t", "1",
                           "--full-rtt"], 30)
            m = re.search(r"percentile 50\.000 =\s*([0-9.]+)", re.sub(r"\x1b\[[0-9;]*m", "", r or ""))
            if m:
                sock_rtt.append(float(m.group(1)))
            else:
                failures.append("sockperf ping-pong gave no median")

        def iperf():
            if not ip or ip.poll() is not None:
                return
            r = run(["iperf3", "-c", "127.0.0.1", "-p", ip_port, "-t", "1", "-J"], 30)
            try:
                iperf_thr.append(json.loads(r)["end"]["sum_received"]["bits_per_second"] / 8e6)
            except (ValueError, KeyError, TypeError):
                failures.append("iperf3 gave no figure")

        steps = [compare_rtt, sockperf, compare_thr, iperf]
        for r in range(ROUNDS):
            # pairs interleaved, and which of the pair goes first alternates
            for a, b in ((steps[0], steps[1]), (steps[2], steps[3])):
                for f in ((a, b) if r % 2 == 0 else (b, a)):
                    settle()
                    f()
    finally:
        for p in (sp, ip):
            if p:
                p.terminate()
                try:
                    p.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    print()
    print("bin/compare scenario 9, every family: median of %d rounds (min-max); round trips with both ends" % ROUNDS)
    print("pinned to CPU 0 (taskset -c 0), stream throughput unpinned (both CPUs)")
    print("  %-18s %-28s %s" % ("family/type", "round trip, 64 B (us)", "stream throughput (MB/s)"))
    for k in list(dict.fromkeys(list(rtt) + list(thr))):
        print("  %-18s %-28s %s" % (k, spread(rtt.get(k, []), "%.1f"),
                                    spread(thr.get(k, []), "%.0f") if k in thr else "n/a"))
    print()
    print("AF_INET on 127.0.0.1, side by side, from the same rounds (interleaved, placed the same way):")
    print("  %-44s %-24s %s" % ("", "sockfam (bin/compare)", "reference"))
    print("  %-44s %-24s %s" % ("TCP stream throughput, MB/s, both unpinned", spread(thr.get("inet/tcp", []), "%.0f"),
                                spread(iperf_thr, "%.0f") + " iperf3 -t 1, received" if have_iperf
                                else "iperf3 not installed"))
    print("  %-44s %-24s %s" % ("UDP round trip, 64 B, us, both on CPU 0", spread(rtt.get("inet/udp", []), "%.1f"),
                                spread(sock_rtt, "%.1f") + " sockperf ping-pong --full-rtt, median"
                                if have_sockperf else "sockperf not installed"))
    print("  (compare: 1000 round trips, 5 x 50 ms of stream per round; sockperf: 1 s, iperf3: 1 s per round)")
    if not (have_iperf and have_sockperf):
        print("  (make bench installs iperf3 and sockperf from Debian when it may; see .ci/bench-packages)")


def listening(port):
    """1 once a TCP socket listens on 127.0.0.1:port (read from /proc/net/tcp, so that nothing
    connects to a one-shot listener before the measured client does)."""
    want = "0100007F:%04X" % int(port)
    try:
        with open("/proc/net/tcp") as f:
            return any(line.split()[1] == want and line.split()[3] == "0A" for line in f.readlines()[1:])
    except OSError:
        return False


def bench_upload(tmp):
    """A 1 GiB file over AF_INET loopback: ours (--service upload, SHA-256 on both ends) beside
    cat FILE | nc and socat, each receiver writing the file, rounds interleaved."""
    size_mb = UPLOAD_MB
    where = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else tmp
    work = tempfile.mkdtemp(prefix="sockfam-upload-", dir=where)
    src = os.path.join(work, "upload.bin")
    recv_dir = os.path.join(work, "in")
    os.mkdir(recv_dir)
    times = {}
    try:
        with open(src, "wb") as f:
            for _ in range(size_mb):
                f.write(os.urandom(1 << 20))
        size = os.path.getsize(src)
        nc = shutil.which("nc")
        socat = shutil.which("socat")

        def ours(port, out):
            return ([os.path.join(OURS, "inet-server"), "-q", "--no-log", "-n", "1", "-p", port,
                     "--service", "upload", "--dir", recv_dir, "--overwrite"],
                    [os.path.join(OURS, "inet-client"), "-q", "-p", port, "--upload", src], None)

        def with_nc(port, out):
            return ([nc, "-l", "127.0.0.1", port], ["sh", "-c", 'cat "$1" | "$2" -N 127.0.0.1 "$3"', "sh",
                                                     src, nc, port], out)

        def with_socat(port, out):
            return ([socat, "-u", "TCP-LISTEN:%s,bind=127.0.0.1" % port, "CREATE:" + out],
                    [socat, "-u", "FILE:" + src, "TCP:127.0.0.1:%s" % port], None)

        contenders = [("ours: inet-client --upload", ours)]
        if socat:
            contenders.append(("socat -u FILE: TCP:", with_socat))
        if nc:
            contenders.append(("cat FILE | nc -N", with_nc))

        def one(label, make):
            port = free_port()
            out = os.path.join(recv_dir, "upload.bin")
            server_argv, client_argv, server_stdout = make(port, out)
            sink = open(out, "wb") if server_stdout else subprocess.DEVNULL
            srv = subprocess.Popen(server_argv, stdout=sink, stderr=subprocess.DEVNULL, start_new_session=True)
            try:
                deadline = time.monotonic() + 5
                while not listening(port) and time.monotonic() < deadline and srv.poll() is None:
                    time.sleep(0.005)
                if not listening(port):
                    failures.append("upload: %s did not listen" % label)
                    return
                t0 = time.monotonic()
                cli = subprocess.run(client_argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
                srv.wait(timeout=120)
                took = time.monotonic() - t0
            except subprocess.TimeoutExpired:
                failures.append("upload: %s took over 120 s" % label)
                return
            finally:
                if srv.poll() is None:
                    srv.kill()
                    srv.wait()
                if server_stdout:
                    sink.close()
            got = os.path.getsize(out) if os.path.exists(out) else -1
            if cli.returncode != 0 or srv.returncode != 0 or got != size:
                failures.append("upload: %s: client exit %d, receiver exit %d, %d of %d bytes arrived %s"
                                % (label, cli.returncode, srv.returncode, got, size,
                                   cli.stderr.decode(errors="replace").strip()[:200]))
            else:
                times.setdefault(label, []).append(size / took / 1e6)
            if os.path.exists(out):
                os.unlink(out)

        for r in range(ROUNDS):
            order = contenders[r % len(contenders):] + contenders[:r % len(contenders)]
            for label, make in order:
                settle()
                one(label, make)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print("A %d MiB file over AF_INET TCP on 127.0.0.1, from start of the sender to the end of both ends;"
          % size_mb)
    print("both unpinned, the file and the received copy in %s; median of %d rounds (min-max), interleaved"
          % (where, ROUNDS))
    for label, _ in contenders:
        print("  %-30s %s MB/s" % (label, spread(times.get(label, []), "%.0f")))
    print("  (ours also computes the SHA-256 on both ends and renames the finished file into place;")
    print("   socat and nc only copy the bytes)")
    missing = [n for n, w in (("socat", socat), ("nc", nc)) if not w]
    if missing:
        print("  (%s not installed: make bench installs them from Debian when it may)" % ", ".join(missing))


def run(argv, timeout):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except (subprocess.TimeoutExpired, OSError) as e:
        failures.append("%s: %s" % (" ".join(argv), e))
        return None
    if r.returncode != 0:
        failures.append("%s: exit status %d %s" % (" ".join(argv), r.returncode, r.stderr.strip()[:200]))
    return r.stdout


def compare_cells(text):
    if not text:
        return []
    try:
        j = json.loads(text)
    except ValueError:
        failures.append("bin/compare --json did not print JSON")
        return []
    out = []
    for row in j["rows"]:
        for c in row["cells"]:
            if c.get("status") == "ok" and c.get("values"):
                out.append((row["id"], c["family"], c["kind"], c["values"]))
    return out


def main():
    for path in (LOAD, FLOOR):
        if not os.access(path, os.X_OK):
            print("bench: %s is not built (make bench builds it)" % os.path.relpath(path, ROOT), file=sys.stderr)
            return 1
    started = time.monotonic()
    help_text = ""
    try:
        help_text = subprocess.run([os.path.join(OURS, "inet-server"), "--help"], capture_output=True,
                                   text=True, timeout=5).stdout
    except (OSError, subprocess.TimeoutExpired):
        pass
    print("make bench on %s, %d CPUs; every server on loopback (127.0.0.1, ::1) or a UNIX socket file"
          % (" ".join(os.uname()[i] for i in (0, 2, 4)), os.cpu_count() or 0))
    print("Load: build/bench/load, one process, epoll, 64-byte requests checked byte for byte; TCP clients")
    print("close with a reset (SO_LINGER 0, no TIME_WAIT). conn/s: connect, one round trip, close; rtt/s:")
    print("persistent connections, back to back. Throughput columns (50 and 500 clients): server and load")
    print("unpinned, both CPUs; latency column (1 client, microseconds per round trip): server and load")
    print("both pinned to CPU 0 with taskset -c 0. Rounds interleaved (ours, floor, Python; order rotating).")
    print("After each window the load finishes what is in flight (not counted), so no abandoned")
    print("connection is served during the next measurement. prefork and prethread run %d processes /" % POOL)
    print("threads (--model prefork=%d). ours/floor compares rates (latency column: floor's us / ours)." % POOL)
    print("Python: %s." % sys.version.split()[0])
    if "--model" not in help_text:
        print("NOTE: %s/inet-server --help shows no --model: the 'ours' cells will say failed." % OURS)
    sys.stdout.flush()

    tmp = tempfile.mkdtemp(prefix="sockfam-bench-")
    try:
        tables = {}
        for family in FAMILIES:
            tables[family] = bench_family(family, tmp)
            print_family(family, tables[family])
            sys.stdout.flush()
        cells = [c for t in tables.values() for rows in t.values() for r in rows.values() for c in r.values()]
        if any(c.starved for c in cells):
            print()
            print("* fewer clients served than connected, in some round: the model serves one connection at a")
            print("  time per process or thread (iterative, prefork=%d, prethread=%d; ForkingMixIn waits at" % (POOL, POOL))
            print("  max_children = 40), or had not reached every client before the window closed; the others")
            print("  waited in the backlog and the figure is what the served ones did.")
        if any(c.errors for c in cells):
            print("! the load generator reported errors in some round (listed at the end).")
        if "inet" in FAMILIES:
            bench_trace(tmp)
            sys.stdout.flush()
        if REFERENCE:
            bench_reference(tmp)
            sys.stdout.flush()
        if UPLOAD_MB > 0:
            bench_upload(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    if settle_misses:
        notes.append("the CPUs were still busy before %d measurements (waited 0.5 s each; another load "
                     "on the machine?)" % settle_misses)
    for n in notes:
        print("note: " + n)
    for (label, argv0, why), where in start_failures.items():
        print("FAILED to start: %s (%s) %s: %s" % (label, argv0, why, ", ".join(where)))
    seen = set()
    for f in failures:
        if f not in seen:
            seen.add(f)
            print("FAILED: " + f)
    print("Measured in %.0f s." % (time.monotonic() - started))
    return 1 if failures or start_failures else 0


def on_term(sig, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, on_term)
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)

#!/bin/sh
# make bench: round trip and stream throughput of every family/type, measured
# now by bin/compare (scenario 9), then the same two figures for AF_INET from
# the reference tools on the same loopback, side by side: iperf3 for TCP
# throughput, sockperf for the UDP 64-byte round trip (make bench installs
# both from Debian; without them it says so and shows ours alone).
set -u
cd "$(dirname "$0")/.."
out=$(mktemp -d /tmp/sockfam-bench-XXXXXX)
trap 'rm -rf "$out"' EXIT

bin/compare --only rtt,throughput
bin/compare --only rtt,throughput --families inet --json >"$out/ours.json"

iperf=""; sock=""
if command -v iperf3 >/dev/null 2>&1; then
	iperf3 -s -1 -p 5299 >/dev/null 2>&1 &
	sleep 0.3
	iperf3 -c 127.0.0.1 -p 5299 -t 2 -J >"$out/iperf.json" 2>/dev/null && iperf="$out/iperf.json"
	wait
fi
if command -v sockperf >/dev/null 2>&1; then
	sockperf server -i 127.0.0.1 -p 5298 >/dev/null 2>&1 &
	pid=$!
	sleep 0.3
	sockperf ping-pong -i 127.0.0.1 -p 5298 -m 64 -t 2 >"$out/sockperf.txt" 2>&1 && sock="$out/sockperf.txt"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
fi

python3 - "$out/ours.json" "$iperf" "$sock" <<'PY'
import json, re, sys
ours = json.load(open(sys.argv[1]))
cell = {(r["id"], c["kind"]): c for r in ours["rows"] for c in r["cells"]}
def v(row, kind, key):
    c = cell.get((row, kind))
    return c["values"].get(key) if c and c.get("values") else None
tcp = v("throughput", "tcp", "median_mbs")
rtt = v("rtt", "udp", "median_ns")
ref_tcp = ref_rtt = None
if sys.argv[2]:
    j = json.load(open(sys.argv[2]))
    ref_tcp = j["end"]["sum_received"]["bits_per_second"] / 8 / 1e6
if sys.argv[3]:
    t = re.sub(r"\x1b\[[0-9;]*m", "", open(sys.argv[3]).read())
    m = re.search(r"percentile 50\.000 =\s*([0-9.]+)", t)
    if m:
        ref_rtt = 2 * float(m.group(1)) * 1000    # sockperf reports half the round trip, in us
def f(x, unit, scale=1.0):
    return "not measured" if x is None else "%.1f %s" % (x / scale, unit)
print()
print("AF_INET on 127.0.0.1, side by side (one run each; loopback figures move a lot between runs):")
print("  %-34s %-18s %s" % ("", "sockfam", "reference"))
print("  %-34s %-18s %s" % ("TCP stream throughput", f(tcp, "MB/s"),
      f(ref_tcp, "MB/s") + " (iperf3 -t 2, received)" if ref_tcp else "iperf3 not installed"))
print("  %-34s %-18s %s" % ("UDP round trip, 64 bytes, median", f(rtt, "us", 1000),
      f(ref_rtt, "us", 1000) + " (sockperf ping-pong: 2 x its median latency)" if ref_rtt else "sockperf not installed"))
if not (ref_tcp and ref_rtt):
    print("  (make bench installs iperf3 and sockperf from Debian when it may; see .ci/bench-packages)")
PY

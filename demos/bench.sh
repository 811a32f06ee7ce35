#!/bin/sh
# make bench: round trip and stream throughput of every family/type, measured
# now by bin/compare (scenario 9), then a reference tool's figures on the same
# loopback when one is installed (none is required; this says which were not).
set -u
cd "$(dirname "$0")/.."
bin/compare --only rtt,throughput --details
echo
found=0
if command -v iperf3 >/dev/null 2>&1; then
	found=1
	echo "== iperf3, TCP over 127.0.0.1, 1 s:"
	iperf3 -s -1 -p 5299 >/dev/null 2>&1 &
	sleep 0.3
	iperf3 -c 127.0.0.1 -p 5299 -t 1 -f MBytes 2>&1 | grep -E 'sender|receiver'
	wait
fi
if command -v sockperf >/dev/null 2>&1; then
	found=1
	echo "== sockperf ping-pong, UDP 64 bytes over 127.0.0.1, 1 s:"
	sockperf server -i 127.0.0.1 -p 5298 >/dev/null 2>&1 &
	pid=$!
	sleep 0.3
	sockperf ping-pong -i 127.0.0.1 -p 5298 -m 64 -t 1 2>&1 | grep -E 'avg-latency|percentile 50'
	kill "$pid" 2>/dev/null
	wait
fi
if [ $found -eq 0 ]; then
	echo "== No reference tool is installed (looked for iperf3 and sockperf), so there is nothing to"
	echo "== set these figures beside: apt-get install iperf3 sockperf, then make bench again."
fi

#!/bin/sh
# make bench: how fast the suite's servers are, measured now, in one run
# (about 5 minutes on 2 cores), printed as tables:
#   - per family (inet, inet6, unix) and server model (iterative ... epoll):
#     connections/s and round trips/s with 50 and 500 clients, and the
#     1-client round-trip latency, for ours (bin/FAMILY-server --model M),
#     the floor (build/bench/floor, bare C, same model) and Python's
#     socketserver beside iterative, fork and thread; the goals checked
#     (every model >= 0.9x its floor; epoll >= 8x ThreadingTCPServer);
#   - the cost of the trace (ours with -q against -o /dev/null);
#   - bin/compare's scenario 9 for every family, and AF_INET's figures beside
#     sockperf (UDP round trip) and iperf3 (TCP throughput), both ends placed
#     the same way, rounds interleaved.
# The driver is tests/bench/bench.py (its docstring says how and what it
# measures; BENCH_WINDOW, BENCH_ROUNDS... change it); the load generator and
# the floor are build/bench/load and build/bench/floor (make bench builds
# them). Exit status 1 when a server failed or a load run saw errors.
set -u
cd "$(dirname "$0")/.."
for tool in build/bench/load build/bench/floor; do
	if [ ! -x "$tool" ]; then
		echo "bench: $tool is not built; run make bench" >&2
		exit 1
	fi
done
exec python3 tests/bench/bench.py "$@"

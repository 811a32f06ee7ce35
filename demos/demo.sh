#!/bin/sh
# The main demo (make demo): an AF_INET TCP server and client exchange a few
# messages; each side prints its socket system calls as strace would.
# Both run with -tt -T (time of day the call started, and how long it took)
# and their lines are merged in the order of cause and effect: a call that
# waits for the peer (accept, recvfrom, recvmsg) where it returned, every
# other call where it started. "server|" and "client|" say whose line it is.
set -eu
cd "$(dirname "$0")/.."
# the programs' messages in English, whatever LANG says: this script reads
# the server's "listening on ... port N" line (--lang zh_CN would say it in Chinese)
export LANGUAGE=C
out=$(mktemp -d /tmp/sockfam-demo-XXXXXX)
trap 'rm -rf "$out"' EXIT

# -p 0: the kernel picks a free port; -n 1: serve one client, then exit.
bin/inet-server -tt -T -p 0 -n 1 >"$out/server.log" 2>&1 &
i=0
until grep -q 'listening on' "$out/server.log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 50 ]; then echo "the server did not start:"; cat "$out/server.log"; exit 1; fi
	sleep 0.1
done
port=$(sed -n 's/.*listening on .* port \([0-9]*\) .*/\1/p' "$out/server.log" | head -n 1)
status=0
bin/inet-client -tt -T -p "$port" hello "sockets, side by side" >"$out/client.log" 2>&1 || status=$?
wait

# A line without a time (what the program tells its user) keeps the key of
# the call before it.
merge() {
	awk -v who="$2" '
		/^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]+ .*<[0-9.]+>$/ {
			split($1, hms, ":")
			d = $NF; gsub(/[<>]/, "", d)
			waits = ($2 ~ /^(accept4?|recvfrom|recvmsg)\(/)
			t = sprintf("%.6f", hms[1] * 3600 + hms[2] * 60 + hms[3] + (waits ? d : 0))
		}
		{ printf "%s\t%06d\t%s| %s\n", t, NR, who, $0 }' "$1"
}
echo "== An AF_INET TCP server (bin/inet-server) and client (bin/inet-client), merged in time order."
echo "== Lines that look like C calls are the system calls, exactly as strace prints them."
echo
{ merge "$out/server.log" server; merge "$out/client.log" client; } | sort -s -n -k1,1 -k2,2 | cut -f3-
echo
echo "== Now in two terminals:  bin/inet-server   and   bin/inet-client hello world"
echo "== (-u for UDP, --help for every option; compare with: strace -f -e trace=%network bin/inet-client hi)"
echo
# The suite's main job: the same scenarios on every family and socket type,
# each cell measured now on this kernel (bin/compare --help for the rest).
echo "== The families side by side (bin/compare; --markdown, --json, --csv, --details):"
echo
bin/compare || status=$?
echo
echo "== Traces side by side: bin/compare --trace inet inet/udp;  a sequence diagram: bin/compare --diagram inet --svg run.svg"
exit $status

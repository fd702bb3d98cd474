#!/usr/bin/env bash
# Loads three Discord interaction endpoints side by side, each in its own process on loopback,
# all answering /position sovereignty with the same message:
#
#   serve  briefbot serve with discord.public_key set to the test key
#   bare   a handler that verifies the signature and writes briefbot's answer bytes
#   disgo  the same answer through github.com/disgoorg/disgo's httpserver
#
# The bare and disgo servers are built from bench/peer, a module of their own, so the product
# never depends on disgo. The answer they send is briefbot's own first answer, fetched from serve.
# briefload then runs against each in interleaved rounds, the order turning each round so that no
# server always follows another, and the summary gives every round's figures, the ratios
# serve/bare and serve/disgo within each round, and the median of the rounds. Besides requests
# per second, it gives each server's CPU time per request (from /proc): on two cores shared with
# the load generator and whatever else runs, throughput moves with the neighbours, while the CPU
# a server spends on one request hardly does.
#
# Settings (environment): ROUNDS (5), REQUESTS per server per round (20000), CONCURRENCY (16),
# WARMUP requests per server before the first round (2000), MIX (position=100), OUT (a folder for
# the logs and reports; default a new temporary one, kept).
set -euo pipefail

rounds=${ROUNDS:-5}
requests=${REQUESTS:-20000}
concurrency=${CONCURRENCY:-16}
warmup=${WARMUP:-2000}
mix=${MIX:-position=100}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/compare-endpoints.XXXXXX")}
mkdir -p "$out"

pids=()
stop_servers() {
	# Only the processes this script started, by their ids.
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}
trap stop_servers EXIT

echo "building into $out" >&2
(cd "$root" && go build -o "$out/briefbot" ./cmd/briefbot && go build -o "$out/briefload" ./cmd/briefload)
(cd "$root/bench/peer" && go build -o "$out/peer" .)

# wait_for LOG PATTERN: prints the first match of PATTERN's group in LOG, waiting up to 10s.
wait_for() {
	local log=$1 pattern=$2 pid=$3
	for _ in $(seq 200); do
		if addr=$(sed -nE "s/.*${pattern}.*/\1/p" "$log" | head -n1) && [ -n "$addr" ]; then
			echo "$addr"
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "server stopped before listening:" >&2
			cat "$log" >&2
			return 1
		fi
		sleep 0.05
	done
	echo "no address in $log after 10s" >&2
	return 1
}

cat >"$out/briefbot.yaml" <<EOF
http: {listen: "127.0.0.1:0"}
discord: {application_id: "1361000000000000000", public_key: "$("$out/peer" pubkey)"}
store: {dsn: "sqlite://$out/briefbot.db"}
EOF

"$out/briefbot" serve --config "$out/briefbot.yaml" 2>"$out/serve.log" &
pids+=($!)
serve_addr=$(wait_for "$out/serve.log" '"msg":"listening","addr":"([^"]+)"' "${pids[-1]}")

"$out/peer" first-answer "http://$serve_addr/discord/interactions" >"$out/reply.json"

"$out/peer" bare --listen 127.0.0.1:0 --reply "$out/reply.json" >"$out/bare.log" 2>&1 &
pids+=($!)
bare_addr=$(wait_for "$out/bare.log" 'listening on (.+)' "${pids[-1]}")

"$out/peer" disgo --listen 127.0.0.1:0 --reply "$out/reply.json" >"$out/disgo.log" 2>&1 &
pids+=($!)
disgo_addr=$(wait_for "$out/disgo.log" 'listening on (.+)' "${pids[-1]}")

declare -A addr=([serve]=$serve_addr [bare]=$bare_addr [disgo]=$disgo_addr)
declare -A pid=([serve]=${pids[0]} [bare]=${pids[1]} [disgo]=${pids[2]})
tick=$(getconf CLK_TCK)
servers=(serve bare disgo)
echo "serve $serve_addr, bare $bare_addr, disgo $disgo_addr; answer of $(wc -c <"$out/reply.json") bytes" >&2

# cpu SERVER: the CPU seconds the server's process has used, user and system, all threads.
cpu() {
	awk -v tick="$tick" '{ printf "%.2f\n", ($14 + $15) / tick }' "/proc/${pid[$1]}/stat"
}

load() { # load SERVER N REPORT
	local before
	before=$(cpu "$1")
	"$out/briefload" --format json --mix "$mix" --concurrency "$concurrency" --requests "$2" \
		"http://${addr[$1]}" >"$3" || {
		echo "briefload against $1 failed; its report:" >&2
		cat "$3" >&2
		return 1
	}
	echo "$before $(cpu "$1")" | awk '{ printf "%.2f\n", $2 - $1 }' >"${3%.json}.cpu"
}

# Warm each server's connections, caches and heap before anything is measured.
for s in "${servers[@]}"; do
	load "$s" "$warmup" "$out/warmup-$s.json"
done

for ((r = 1; r <= rounds; r++)); do
	for ((i = 0; i < ${#servers[@]}; i++)); do
		s=${servers[$(((i + r - 1) % ${#servers[@]}))]}
		load "$s" "$requests" "$out/round-$r-$s.json"
	done
	echo "round $r of $rounds done" >&2
done

echo "$rounds rounds x ${#servers[@]} servers, $requests requests each, $concurrency clients, mix $mix; reports in $out"
"$out/peer" summary "$out"

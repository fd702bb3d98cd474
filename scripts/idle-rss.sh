#!/usr/bin/env bash
# Measures what briefbot serve holds in memory when idle: serve on the SQLite store with metrics
# on http.listen, 40 signed commands from briefload (Discord and Slack), a scrape of /metrics,
# two seconds of quiet, then the process's resident memory from /proc, split into anonymous
# memory (the Go heap, stacks, the runtime's own) and file-backed pages (the executable's code
# and tables, which the kernel maps 64 KB around each page touched). Each run starts a new
# process on a new ledger; the median of RUNS is printed.
#
# Settings (environment): RUNS (5), BUILD ("static": CGO_ENABLED=0 -trimpath -ldflags "-s -w",
# as the Dockerfile builds; "go": a plain go build, as go run does), PORT (18080).
set -euo pipefail

runs=${RUNS:-5}
build=${BUILD:-static}
port=${PORT:-18080}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/idle-rss.XXXXXX")
trap 'rm -rf "$work"' EXIT

cd "$root"
if [ "$build" = static ]; then
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/briefbot" ./cmd/briefbot
else
	go build -o "$work/briefbot" ./cmd/briefbot
fi
go build -o "$work/briefload" ./cmd/briefload
key=$("$work/briefload" --help 2>&1 | awk '/discord.public_key:/ {print $2}')
cat >"$work/briefbot.yaml" <<EOF
http: {listen: "127.0.0.1:$port"}
discord: {application_id: "123456789012345678", public_key: "$key"}
slack: {signing_secret: "test-signing-secret"}
store: {dsn: "sqlite://$work/ledger.db"}
EOF

kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$2/status"; }
results=()
for _ in $(seq "$runs"); do
	rm -f "$work"/ledger.db*
	"$work/briefbot" serve --config "$work/briefbot.yaml" 2>"$work/serve.log" &
	pid=$!
	for _ in $(seq 100); do curl -fs "127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
	"$work/briefload" --platform discord,slack --requests 40 --concurrency 4 \
		--mix position=40,compare=20,search=20,help=20 "http://127.0.0.1:$port" >/dev/null
	curl -fs "127.0.0.1:$port/metrics" >/dev/null
	sleep 2
	results+=("$(kb VmRSS $pid) $(kb RssAnon $pid) $(kb RssFile $pid)")
	kill "$pid"
	wait "$pid" 2>/dev/null || true
done
printf '%s\n' "${results[@]}" | sort -n | awk -v n="$runs" -v b="$build" '
	{ rss[NR] = $1; anon[NR] = $2; file[NR] = $3 }
	END {
		m = int((n + 1) / 2)
		printf "idle RSS (%s build, median of %d): %.1f MB = %.1f MB anonymous + %.1f MB file-backed\n",
			b, n, rss[m] / 1024, anon[m] / 1024, file[m] / 1024
	}'

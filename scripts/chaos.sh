#!/usr/bin/env bash
# Replays the faults of a bad day against briefbot serve and prints what held: special files in
# a briefings folder, a ledger that stops taking writes, more connections than the server takes
# (cmd/briefchaos, which starts every process it needs), and replica clocks that disagree (which
# no process here can be given, so the scheduler's own test runs them against PostgreSQL when
# BRIEFBOT_TEST_POSTGRES holds a DSN). Exit status 1 when anything broke.
#
# Settings (environment): ONLY (groups for briefchaos: files,store,connections; default all).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/chaos.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$root"
go build -o "$work/briefbot" ./cmd/briefbot
go build -o "$work/briefchaos" ./cmd/briefchaos
status=0
"$work/briefchaos" --bin "$work/briefbot" ${ONLY:+--only "$ONLY"} || status=1
if [ -z "${ONLY:-}" ]; then
	if [ -n "${BRIEFBOT_TEST_POSTGRES:-}" ]; then
		if go test ./bot/schedule -run 'Skew' -count=1 >"$work/skew.log" 2>&1; then
			echo "held     clocks       replicas whose clocks disagree by up to 2 minutes: no slot posted twice (go test ./bot/schedule -run Skew)"
		else
			echo "BROKE    clocks       replicas whose clocks disagree: see go test ./bot/schedule -run Skew"
			cat "$work/skew.log"
			status=1
		fi
	else
		echo "skipped  clocks       replicas whose clocks disagree: needs BRIEFBOT_TEST_POSTGRES"
	fi
fi
exit $status

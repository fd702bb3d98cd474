#!/usr/bin/env bash
# Checks briefbot's Prometheus rules and metrics with promtool: the alert rules parse
# (promtool check rules), each alert fires and stays quiet where its tests say
# (promtool test rules deploy/prometheus/alerts_test.yaml), and a real scrape of a running
# briefbot serve, with every series the rules read populated, passes promtool check metrics
# (cmd/briefbot's TestDigestMetricsAnswerDidItGoOut lints its scrape when promtool is installed).
# Installs promtool when missing, from Debian's prometheus package, without starting the
# Prometheus server that package ships.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if ! command -v promtool >/dev/null; then
	# A policy-rc.d that answers 101 keeps invoke-rc.d from starting the package's service.
	policy=/usr/sbin/policy-rc.d
	made_policy=
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod +x "$policy"
		made_policy=1
	fi
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null
	[ -z "$made_policy" ] || rm -f "$policy"
	# Under systemd the unit may start all the same: only promtool is wanted here.
	if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
		systemctl disable --now prometheus >/dev/null 2>&1 || true
	fi
fi
promtool --version 2>&1 | head -n 1

echo "== promtool check rules"
promtool check rules deploy/prometheus/alerts.yaml

echo "== promtool test rules"
(cd deploy/prometheus && promtool test rules alerts_test.yaml)

echo "== promtool check metrics, over a scrape of briefbot serve"
out=$(go test -count=1 -v -run '^TestDigestMetricsAnswerDidItGoOut$' ./cmd/briefbot 2>&1) || {
	echo "$out"
	exit 1
}
if grep -q "promtool is not installed" <<<"$out"; then
	echo "the metrics test did not find promtool on PATH"
	exit 1
fi
grep -E '^(--- |ok|PASS)' <<<"$out"

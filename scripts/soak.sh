#!/usr/bin/env bash
# A soak of briefbot serve: a mixed briefload load (commands, autocomplete, bad signatures,
# oversized bodies) while minutely digests fan out to 200 channels of fake Discord and Slack
# APIs that answer 429 and 5xx at random, the briefing folder saved every 30 s (every other
# time broken), and one SIGKILL and restart halfway. It reports RSS at start, peak and end, and
# fails on a panic, a bad request not refused with its status, or a digest slot missing or
# doubled in any channel.
#
#   scripts/soak.sh          # ten minutes
#   SOAK=2m scripts/soak.sh  # shorter
set -euo pipefail
cd "$(dirname "$0")/.."
go test ./cmd/briefbot -run '^TestSoak$' -soak "${SOAK:-10m}" -timeout 0 -v

#!/usr/bin/env bash
# Runs every fuzz target in the module, one after another, for FUZZTIME each (default 30s; a
# count such as 100000x works too). Targets are found with go test -list, so a new one is picked
# up without editing this script. Inputs that fail are written to the package's testdata/fuzz and
# rerun by plain go test from then on. Exit status 1 when any target failed.
#
#   scripts/fuzz.sh                    every target, 30s each
#   FUZZTIME=5m scripts/fuzz.sh ./bot/...   the targets under bot, 5 minutes each
set -euo pipefail

fuzztime=${FUZZTIME:-30s}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
patterns=("$@")
[ ${#patterns[@]} -gt 0 ] || patterns=(./...)

# go test -list prints a package's matching names, then "ok <package> <time>"; a package that
# does not build prints "FAIL <package> [build failed]" instead. Those are reported as failures,
# and the targets of every other package still run.
listing=$(go test -list '^Fuzz' "${patterns[@]}" 2>&1) || true
targets=$(awk '/^Fuzz/ { names[n++] = $1; next }
	/^ok / { for (i = 0; i < n; i++) print $2, names[i]; n = 0 }' <<<"$listing")
broken=$(awk '/^FAIL[ \t].*\[(build|setup) failed\]/ { print $2 }' <<<"$listing")
failed=()
if [ -n "$broken" ]; then
	grep -v '^ok \|^Fuzz\|^?' <<<"$listing" >&2 || true
	while read -r pkg; do failed+=("$pkg: does not build"); done <<<"$broken"
fi
if [ -z "$targets" ]; then
	echo "no fuzz targets to run in ${patterns[*]}" >&2
	exit 1
fi

echo "$(wc -l <<<"$targets") fuzz targets, $fuzztime each" >&2
while read -r pkg name; do
	echo "--- $pkg $name" >&2
	# -run '^$' skips the package's other tests; the anchored name keeps FuzzX from matching FuzzXY.
	if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg"; then
		failed+=("$pkg $name")
	fi
done <<<"$targets"

if [ ${#failed[@]} -gt 0 ]; then
	printf 'failed: %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "every fuzz target passed" >&2

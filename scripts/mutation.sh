#!/usr/bin/env bash
# Mutation testing of the code that guards the edges: request signatures, platform limits,
# escaping and the validation of settings, config and briefing files. Each mutant (a comparison
# flipped or negated, + and - swapped, ++ and -- swapped, a negative constant made positive, &&
# and || swapped) is built and the package's own tests are run against it; a mutant the tests
# still pass is a change to that code that no test notices. Prints the score per package and the
# surviving mutants; exit status 1 when a package scores below MIN_SCORE or runs out of time.
#
# The tool is gremlins (github.com/go-gremlins/gremlins), installed into GOPATH/bin and never
# added to go.mod:
#   go install github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
#
#   scripts/mutation.sh                      every package of the scope
#   scripts/mutation.sh bot/slack config     only these
#   LIVED_ONLY=0 scripts/mutation.sh         list every mutant, not only the survivors
#
# It works on a copy of the tree (tracked and untracked files, without .git) in a temporary
# folder, removed on exit, so no file of the working tree is ever mutated, even when it is
# interrupted. On two cores the whole scope (about 690 mutants) takes 15 to 20 minutes, and up
# to 30 when other work shares the machine: bot/discord about half of it (its tests take 8
# seconds a run), bot/slack about 4 minutes, the others 1 to 3 each. BUDGET bounds each package
# (default 20m); WORKERS (default: the number of cores) mutants are tested at once.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
gremlins=${GREMLINS:-$(go env GOPATH)/bin/gremlins}
budget=${BUDGET:-20m}
workers=${WORKERS:-$(nproc 2>/dev/null || echo 2)}
min_score=${MIN_SCORE:-90}
lived_only=${LIVED_ONLY:-1}

if [ ! -x "$gremlins" ]; then
	echo "gremlins not found at $gremlins; install it with" >&2
	echo "  go install github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0" >&2
	exit 2
fi

# The scope: each package and the files in it whose mutants count. Mutants in the package's
# other files and in its subpackages (test kits) are left out.
declare -A scope=(
	[bot/discord]="handler.go replay.go render.go settings.go"
	[bot/slack]="handler.go render.go settings.go form.go"
	[internal/textfit]="textfit.go"
	[config]="validate.go values.go"
	[briefings]="frontmatter.go lists.go"
)
order=(bot/discord bot/slack internal/textfit config briefings)

# Mutants known to be equivalent: no input through the packages' public surface tells them from
# the code as written. Each is named by file, column, mutator and the text of its line, so that
# an entry stops matching, and its mutant counts again, as soon as that line changes. They are
# listed as EQUIVALENT and left out of the score.
equivalents=$(
	cat <<'EOF'
# A text that fits the budget exactly leaves none, so stopping there (full) loses nothing more.
bot/discord/render.go|24|CONDITIONALS_BOUNDARY|if length(text)+fixed <= l.budget {
# A line break before a table field's first line is trimmed by field().
bot/discord/render.go|17|CONDITIONALS_BOUNDARY|if sb.Len() > 0 {
# Interaction data is decoded into values, never pointers, on either path (decode.go, discordgo).
bot/discord/handler.go|8|CONDITIONALS_NEGATION|if d != nil {
# Either missing header fails the next check (a number, a "v0=" prefix); only the logged reason differs.
bot/slack/handler.go|17|INVERT_LOGICAL|if stamp == "" || sig == "" {
# A hex signature of the wrong length never equals the HMAC; only the logged reason differs.
bot/slack/handler.go|16|INVERT_LOGICAL|if err != nil || len(got) != sha256.Size {
# Escaped text has ";" four bytes after every "&", and no cut is shorter than 75.
bot/slack/render.go|47|CONDITIONALS_BOUNDARY|if amp := strings.LastIndexByte(p, '&'); amp >= 0 && !strings.Contains(p[amp:], ";") {
# breakAt never returns 0: the text is trimmed, so its first byte is no space.
internal/textfit/textfit.go|10|CONDITIONALS_BOUNDARY|if end <= 0 {
# The parties node holds one node per party, so i is always within it.
briefings/frontmatter.go|24|INVERT_LOGICAL|if partyNodes != nil && i < len(partyNodes.Content) {
briefings/frontmatter.go|29|CONDITIONALS_BOUNDARY|if partyNodes != nil && i < len(partyNodes.Content) {
# A mapping node holds keys and values in pairs: an even count, so i+1 <= n is i+1 < n.
briefings/frontmatter.go|20|CONDITIONALS_BOUNDARY|for i := 0; i+1 < len(aliasNodes.Content); i += 2 {
briefings/frontmatter.go|18|CONDITIONALS_BOUNDARY|for i := 0; i+1 < len(n.Content); i += 2 {
# Aliases on distinct lines never tie; on one line their order is the map's either way.
briefings/frontmatter.go|71|CONDITIONALS_BOUNDARY|sort.Slice(p.aliases, func(i, j int) bool { return p.aliases[i].line < p.aliases[j].line })
# A positions row never starts at the first byte, nor a cell's text at a line break.
briefings/lists.go|13|CONDITIONALS_BOUNDARY|if offset < 0 { // not a character in any cell: nothing to place it by
briefings/lists.go|9|CONDITIONALS_BOUNDARY|if end < 0 {
# Only a final "|" ends a cell; cutting off any other last character changes no count.
briefings/lists.go|34|INVERT_LOGICAL|if strings.HasSuffix(line, "|") && !strings.HasSuffix(line, `\|`) {
# Without ": " the label is the whole item and the rest empty, refused with the same message.
briefings/lists.go|46|INVERT_LOGICAL|if l, r, ok := strings.Cut(text, ": "); ok && strings.TrimSpace(l) != "" {
EOF
)

pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=("${order[@]}")
for p in "${pkgs[@]}"; do
	if [ -z "${scope[${p%/}]:-}" ]; then
		echo "$p is not in the scope: ${order[*]}" >&2
		exit 2
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/briefbot-mutation.XXXXXX")
running=
cleanup() {
	# gremlins finishes the mutants it has queued when asked to stop, so it is killed outright,
	# with the tests it runs (timeout leads their process group).
	if [ -n "$running" ]; then kill -KILL -- "-$running" 2>/dev/null || true; fi
	chmod -R u+w "$work" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir "$work/tree" "$work/tmp"
# gremlins copies the tree once per worker into its temporary folder: inside ours, so that it
# goes when we do.
export TMPDIR="$work/tmp"
# The copies are not beside the shared vectors, which some tests check payloads against.
if [ -z "${BRIEFBOT_VECTORS:-}" ] && [ -d "$root/../shared/vectors" ]; then
	export BRIEFBOT_VECTORS="$(cd "$root/../shared/vectors" && pwd)"
fi
# git lists what belongs to the tree; build outputs and databases (.gitignore) stay behind.
# Outside a git checkout (an unpacked archive) everything is copied.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		tar --null --files-from=- --ignore-failed-read -cf - | tar -xf - -C "$work/tree"
else
	tar --exclude=./.git -cf - . | tar -xf - -C "$work/tree"
fi

# rerun_uncovered tests, one at a time, the mutants gremlins marks NOT COVERED in a package's
# list, and rewrites their status. gremlins runs only mutants inside a block of Go's coverage
# profile, and the condition of a case clause (switch { case a && b: }) or a constant's value
# lies outside every block, so those are never run however well tested. Each mutant is applied to
# the copy, the package's tests run with -failfast, and the file is put back.
rerun_uncovered() {
	local pkg=$1 list=$2 entries
	entries=$(grep '^NOT COVERED ' "$list" || true)
	[ -n "$entries" ] || return 0
	local dir="$work/tree/$pkg" start clean limit
	start=$(date +%s)
	(cd "$work/tree" && go test -count=1 "./$pkg" >/dev/null 2>&1) || true
	clean=$(($(date +%s) - start))
	limit=$((5 * clean + 30))
	echo "    $(wc -l <<<"$entries") mutants gremlins did not run: testing them one by one (${limit}s each at most)" >&2
	local out="$list.rerun" kind file line col token repl width status
	: >"$out"
	while read -r _ _ kind _ where; do
		IFS=: read -r file line col <<<"$where"
		token=$(LC_ALL=C awk -v l="$line" -v c="$col" 'NR == l { print substr($0, c, 2) }' "$dir/$file")
		width=2
		case "$kind:$token" in
		CONDITIONALS_NEGATION:==) repl='!=' ;; CONDITIONALS_NEGATION:!=) repl='==' ;;
		CONDITIONALS_NEGATION:\<=) repl='>' ;; CONDITIONALS_NEGATION:\>=) repl='<' ;;
		CONDITIONALS_BOUNDARY:\<=) repl='<' ;; CONDITIONALS_BOUNDARY:\>=) repl='>' ;;
		INVERT_LOGICAL:\&\&) repl='||' ;; INVERT_LOGICAL:\|\|) repl='&&' ;;
		INCREMENT_DECREMENT:++) repl='--' ;; INCREMENT_DECREMENT:--) repl='++' ;;
		*)
			width=1
			case "$kind:${token:0:1}" in
			CONDITIONALS_NEGATION:\<) repl='>=' ;; CONDITIONALS_NEGATION:\>) repl='<=' ;;
			CONDITIONALS_BOUNDARY:\<) repl='<=' ;; CONDITIONALS_BOUNDARY:\>) repl='>=' ;;
			ARITHMETIC_BASE:+) repl='-' ;; ARITHMETIC_BASE:-) repl='+' ;;
			ARITHMETIC_BASE:\*) repl='/' ;; ARITHMETIC_BASE:/) repl='*' ;; ARITHMETIC_BASE:%) repl='*' ;;
			INVERT_NEGATIVES:-) repl='+' ;;
			*)
				echo "NOT COVERED $kind at $where" >>"$out" # a token this script cannot mutate
				continue
				;;
			esac
			;;
		esac
		cp "$dir/$file" "$work/original.go"
		LC_ALL=C awk -v l="$line" -v c="$col" -v w="$width" -v r="$repl" \
			'NR == l { $0 = substr($0, 1, c - 1) r substr($0, c + w) } { print }' "$work/original.go" >"$dir/$file"
		status=0
		(cd "$work/tree" && exec timeout --kill-after=10s "$limit" go test -count=1 -failfast "./$pkg") \
			>"$work/rerun.out" 2>&1 </dev/null &
		running=$!
		wait "$running" || status=$?
		running=
		cp "$work/original.go" "$dir/$file"
		if [ "$status" -eq 0 ]; then
			echo "LIVED $kind at $where"
		elif [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
			echo "TIMED OUT $kind at $where"
		elif grep -q '\[build failed\]\|\[setup failed\]' "$work/rerun.out"; then
			echo "NOT VIABLE $kind at $where"
		else
			echo "KILLED $kind at $where"
		fi >>"$out"
	done <<<"$entries"
	{
		grep -v '^NOT COVERED ' "$list" || true
		cat "$out"
	} >"$list.all"
	mv "$list.all" "$list"
}

failed=()
printf '%-16s %7s %6s %5s %9s %11s %10s %6s\n' package mutants killed lived timed-out not-covered equivalent score >"$work/summary"
for p in "${pkgs[@]}"; do
	p=${p%/}
	# gremlins names files relative to the package folder; anything with a "/" is a subpackage.
	excludes=(-E /)
	for f in "$work/tree/$p"/*.go; do
		f=$(basename "$f")
		case " ${scope[$p]} " in *" $f "*) continue ;; esac
		case "$f" in *_test.go) continue ;; esac
		excludes+=(-E "^${f//./\\.}\$")
	done
	echo "--- $p (${scope[$p]})" >&2
	log="$work/${p//\//_}.log"
	status=0
	# The timeout coefficient is how many times the package's clean test run a mutant may take
	# before it counts as timed out; a loaded machine needs the margin.
	(cd "$work/tree" && exec timeout --kill-after=10s "$budget" "$gremlins" unleash --workers "$workers" \
		--timeout-coefficient 5 --invert-logical "${excludes[@]}" "./$p") >"$log" 2>&1 &
	running=$!
	wait "$running" || status=$?
	running=
	# Mutant lines read "  KILLED CONDITIONALS_BOUNDARY at render.go:12:5", maybe coloured.
	sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^ *(KILLED|LIVED|TIMED OUT|NOT COVERED|NOT VIABLE) [A-Z_]+ at ' |
		sed 's/^ *//' >"$log.mutants" || true
	rerun_uncovered "$p" "$log.mutants"
	# A survivor is looked up among the equivalents by its file, column, mutator and line text.
	grep -v '^#' <<<"$equivalents" >"$work/equivalents"
	awk -v pkg="$p" -v tree="$work/tree" -v lived_only="$lived_only" '
		FILENAME == ARGV[1] { known[$0] = 1; next }
		{
			line = $0
			status = line; sub(/ [A-Z_]+ at .*/, "", status)
			kind = line; sub(/ at .*/, "", kind); sub(/.* /, "", kind)
			where = line; sub(/.* at /, "", where)
			split(where, w, ":")
			if (status == "LIVED") {
				file = tree "/" pkg "/" w[1]; text = ""
				for (i = 1; i <= w[2] && (getline l < file) > 0; i++) text = l
				close(file)
				gsub(/^[ \t]+|[ \t]+$/, "", text)
				if ((pkg "/" w[1] "|" w[3] "|" kind "|" text) in known) { status = "EQUIVALENT"; sub(/^LIVED/, "EQUIVALENT", line) }
			}
			n[status]++; total++
			if (!lived_only || status == "LIVED" || status == "NOT COVERED") { sub(/ at /, " at " pkg "/", line); print "  " line > "/dev/stderr" }
		}
		END {
			tested = n["KILLED"] + n["LIVED"] + n["TIMED OUT"] + n["NOT COVERED"]
			score = tested ? sprintf("%.1f%%", 100 * (n["KILLED"] + n["TIMED OUT"]) / tested) : "-"
			printf "%-16s %7d %6d %5d %9d %11d %10d %6s\n", pkg, total, n["KILLED"], n["LIVED"], n["TIMED OUT"], n["NOT COVERED"], n["EQUIVALENT"], score
		}' "$work/equivalents" "$log.mutants" >>"$work/summary"
	last=$(tail -n 1 "$work/summary")
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		failed+=("$p: ran out of its $budget")
	elif ! grep -q 'Mutator coverage' "$log"; then
		cat "$log" >&2
		failed+=("$p: gremlins failed (status $status)")
	else
		score=$(awk '{ sub(/%/, "", $8); print $8 }' <<<"$last")
		if [ "$score" = "-" ] || awk -v s="$score" -v m="$min_score" 'BEGIN { exit !(s < m) }'; then
			failed+=("$p: score $score% under $min_score%")
		fi
	fi
done

# The score counts a mutant no test reaches (not covered) as a survivor, and one whose tests
# hang (timed out) as caught; mutants that do not compile (not viable) and the known
# equivalents are left out.
cat "$work/summary"
if [ ${#failed[@]} -gt 0 ]; then
	printf 'FAIL %s\n' "${failed[@]}" >&2
	exit 1
fi

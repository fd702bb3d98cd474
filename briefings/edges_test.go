package briefings_test

import (
	"strings"
	"testing"

	"briefbot/briefings"
)

// The tests in this file sit on the edges of the loader's rules: the least a briefing may have,
// problems reported at the line that holds them, and lists and tables written in ways the
// examples in load_test.go do not show.

// edit is valid with each old replaced by its new, in pairs.
func edit(t *testing.T, pairs ...string) string {
	t.Helper()
	src := valid
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(src, pairs[i]) {
			t.Fatalf("%q is not in the briefing", pairs[i])
		}
		src = strings.Replace(src, pairs[i], pairs[i+1], 1)
	}
	return src
}

// TestParseEdgesValid: briefings at the edges of what is allowed load.
func TestParseEdgesValid(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		check func(*briefings.Briefing) bool
	}{
		{"one party", edit(t,
			"  - {id: b, name: Beta}\n", "",
			"| Issue | Alpha | Beta |\n|---|---|---|", "| Issue | Alpha |\n|---|---|",
			" | Keeps the river |", " |",
			" | Raises them |", " |"),
			func(b *briefings.Briefing) bool { return len(b.Parties) == 1 && len(b.Issues) == 2 }},
		{"id of 64", edit(t, "id: sample", "id: "+strings.Repeat("x", 64)),
			func(b *briefings.Briefing) bool { return len(b.ID) == 64 }},
		// The table is the last thing in the file, its last row without a line break after it.
		{"table at the end", strings.TrimSuffix(valid[:strings.Index(valid, "## Key figures")], "\n\n"),
			func(b *briefings.Briefing) bool {
				return len(b.Issues) == 2 && b.Issues[1].Positions[1] == "Raises them"
			}},
		// An escaped pipe is text inside a cell, not a cell's end.
		{"escaped pipe", edit(t, "| Tariffs | Lowers them |", `| Tariffs | Lowers \| them |`),
			func(b *briefings.Briefing) bool {
				return len(b.Issues) == 2 && b.Issues[1].Positions[0] == "Lowers | them"
			}},
		// A figure led by a word in italics is read as plain text: only bold marks the figure.
		{"figure after italics", edit(t, "- **12%**: share", "- *About* 12%: share"),
			func(b *briefings.Briefing) bool {
				return len(b.Facts) == 1 && b.Facts[0].Figure == "About 12%" && b.Facts[0].Text == "share of the river"
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := briefings.Parse("x.md", []byte(tc.src))
			if err != nil {
				t.Fatalf("Parse = %v; want it to load", err)
			}
			if !tc.check(b) {
				t.Errorf("Parse read %+v", b)
			}
		})
	}
}

// TestAliasErrorsAtTheirLine: a problem with one issue's aliases is reported at that issue's
// line in the aliases, whichever it is.
func TestAliasErrorsAtTheirLine(t *testing.T) {
	tests := []struct {
		name, aliases, want string
	}{
		{"second key", "aliases:\n  water-rights: [water]\n  fishing: [fish]\n", `x.md:11: aliases for "fishing"`},
		{"first key", "aliases:\n  fishing: [fish]\n  water-rights: [water]\n", `x.md:10: aliases for "fishing"`},
		// Aliases are taken in the order of their lines, so a name two issues claim is refused
		// for the later one, the same on every run.
		{"clash", "aliases:\n  water-rights: [river]\n  tariffs: [river]\n", `x.md:11: alias "river" of "tariffs": "river" is already a name of "Water Rights"`},
		{"clash the other way", "aliases:\n  tariffs: [river]\n  water-rights: [river]\n", `x.md:11: alias "river" of "water-rights": "river" is already a name of "Tariffs"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(valid, "aliases:\n  water-rights: [water]\n", tc.aliases, 1)
			_, err := briefings.Parse("x.md", []byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse error =\n%v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// TestIDLimits: an id is checked in order: present, a slug, within MaxID; each problem alone.
func TestIDLimits(t *testing.T) {
	tests := []struct{ id, want string }{
		{`""`, "x.md:2: missing id"},
		{"Sample", `x.md:2: id "Sample" must be lower case letters, digits and hyphens ("sample")`},
		{strings.Repeat("x", 65), "x.md:2: id is 65 characters; at most 64, so that buttons can carry it"},
	}
	for _, tc := range tests {
		_, err := briefings.Parse("x.md", []byte(strings.Replace(valid, "id: sample", "id: "+tc.id, 1)))
		if err == nil || err.Error() != tc.want {
			t.Errorf("id %s: Parse error =\n%v\nwant\n%s", tc.id, err, tc.want)
		}
	}
}

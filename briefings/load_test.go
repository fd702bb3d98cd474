package briefings_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"briefbot/briefings"
)

// valid is a small, correct briefing; each error case breaks one thing in it.
const valid = `---
id: sample
title: Sample briefing
source: Test desk
date: 2025-04-01
parties:
  - {id: a, name: Alpha, aliases: [al]}
  - {id: b, name: Beta}
aliases:
  water-rights: [water]
---
A summary paragraph.

## Positions

| Issue | Alpha | Beta |
|---|---|---|
| Water Rights | Shares the river | Keeps the river |
| Tariffs | Lowers them | Raises them |

## Key figures

- **12%**: share of the river (source: Survey)

## Timeline

- **2001**: The treaty.
- **1990s**: The dispute.
`

func TestParseValid(t *testing.T) {
	b, err := briefings.Parse("sample.md", []byte(valid))
	if err != nil {
		t.Fatalf("Parse(valid) = %v", err)
	}
	if b.ID != "sample" || len(b.Parties) != 2 || len(b.Issues) != 2 || len(b.Facts) != 1 {
		t.Fatalf("Parse(valid) = id %q, %d parties, %d issues, %d facts", b.ID, len(b.Parties), len(b.Issues), len(b.Facts))
	}
	if got := b.Events[0].When; got != "1990s" {
		t.Errorf("first event = %q, want the oldest, 1990s", got)
	}
	if got := b.SourceLine(); got != "Source: Test desk, 1 April 2025" {
		t.Errorf("SourceLine() = %q", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		old  string // replaced in valid by new
		new  string
		want string // FILE:LINE: and part of the message
	}{
		{"no front matter", "---\nid: sample", "id: sample", "x.md:1: no front matter"},
		{"unclosed front matter", "---\nA summary", "A summary", "x.md:1: front matter is not closed"},
		{"missing id", "id: sample\n", "", "x.md:1: missing id"},
		{"bad id", "id: sample", "id: Sample One", "x.md:2: id \"Sample One\" must be lower case"},
		{"missing title", "title: Sample briefing\n", "", "x.md:1: missing title"},
		{"empty title", "title: Sample briefing", "title: \"\"", "x.md:3: missing title"},
		{"missing source", "source: Test desk\n", "", "missing source"},
		{"bad date", "date: 2025-04-01", "date: April 2025", "x.md:5: date \"April 2025\""},
		{"unknown front matter key", "source: Test desk", "source: Test desk\nauthor: me", `x.md:5: front matter: unknown key "author" (known: id, title, source, date, parties, aliases, replaces)`},
		{"misspelt front matter key", "source: Test desk", "sorce: Test desk", `x.md:4: front matter: unknown key "sorce"; did you mean "source"?`},
		{"front matter key twice", "source: Test desk", "source: Test desk\ntitle: Again", `x.md:5: front matter: "title" is set twice (first at line 3)`},
		{"replaces not true or false", "source: Test desk", "source: Test desk\nreplaces: sometimes", `x.md:5: front matter: replaces must be true or false`},
		{"bad yaml", "title: Sample briefing", "title: [unclosed", "x.md:"},
		{"no parties", "parties:\n  - {id: a, name: Alpha, aliases: [al]}\n  - {id: b, name: Beta}\n", "", "missing parties"},
		{"party without name", "{id: b, name: Beta}", "{id: b}", "x.md:8: party 2 needs an id and a name"},
		{"duplicate party alias", "{id: b, name: Beta}", "{id: b, name: Beta, aliases: [al]}", "x.md:8: party b: \"al\" is already a name of \"Alpha\""},
		{"too few cells", "| Tariffs | Lowers them | Raises them |", "| Tariffs | Lowers them |", "x.md:19: positions row has 2 cells, want 3"},
		{"too many cells", "| Tariffs | Lowers them | Raises them |", "| Tariffs | Lowers them | Raises them | Extra |", "x.md:19: positions row has 4 cells, want 3"},
		{"empty position", "| Tariffs | Lowers them | Raises them |", "| Tariffs |  | Raises them |", "x.md:19: issue \"Tariffs\" has an empty position for Alpha"},
		{"duplicate issue", "| Tariffs | Lowers them | Raises them |", "| Water rights | Lowers them | Raises them |", "x.md:19: duplicate issue \"Water rights\""},
		{"columns out of order", "| Issue | Alpha | Beta |", "| Issue | Beta | Alpha |", "x.md:16: column 2 is headed \"Beta\", but party 1 is Alpha"},
		{"alias for unknown issue", "water-rights: [water]", "fishing: [fish]", "x.md:10: aliases for \"fishing\""},
		{"alias clashes with another issue", "water-rights: [water]", "water-rights: [tariffs]", "x.md:10: alias \"tariffs\" of \"water-rights\": \"tariffs\" is already a name of \"Tariffs\""},
		{"duplicate alias", "water-rights: [water]", "water-rights: [water, Water]", "x.md:10: alias \"Water\" of \"water-rights\": \"Water\" is listed twice"},
		{"no positions", "## Positions", "## Stances", "no \"## Positions\" section"},
		{"duplicate section", "## Timeline", "## Key figures", "x.md:25: duplicate section \"Key figures\" (first at line 21)"},
		{"fact without source", "(source: Survey)", "", "x.md:23: a key figure is written"},
		{"event without year", "- **2001**: The treaty.", "- **Later**: The treaty.", "x.md:27: a timeline entry is written"},
		{"no summary", "A summary paragraph.\n", "", "no summary"},
		{"long id", "id: sample", "id: " + strings.Repeat("x", 65), "x.md:2: id is 65 characters; at most 64"},
		{"long issue name", "| Tariffs |", "| " + strings.Repeat("Tariff ", 15) + "|", "x.md:19: issue name is longer than 100 characters"},
		{"long heading", "## Timeline", "## " + strings.Repeat("Timeline ", 12), "x.md:25: section heading is longer than 100 characters"},
		{"long party name", "{id: b, name: Beta}", "{id: b, name: " + strings.Repeat("Beta", 26) + "}", "x.md:8: party 2: id and name must be at most 100 characters"},
		{"h1 heading", "A summary paragraph.", "# Title\n\nA summary paragraph.", "x.md:12: a \"#\" heading"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(valid, tc.old, tc.new, 1)
			if src == valid {
				t.Fatalf("case does not change the briefing: %q not found", tc.old)
			}
			b, err := briefings.Parse("x.md", []byte(src))
			if err == nil {
				t.Fatalf("Parse = %q, nil; want error %q", b.ID, tc.want)
			}
			if b != nil {
				t.Errorf("Parse returned a briefing with its error: a bad file must be refused whole")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse error =\n%v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadRefusesDuplicateIDsAcrossFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"one.md": {Data: []byte(valid)},
		"two.md": {Data: []byte(valid)},
	}
	_, err := briefings.Load(fsys)
	if err == nil || !strings.Contains(err.Error(), "two.md:2: duplicate id \"sample\": one.md:2 has it already") {
		t.Fatalf("Load(two files, one id) = %v", err)
	}
}

func TestLoadRefusesWholeFolderWithOneBadFile(t *testing.T) {
	fsys := fstest.MapFS{
		"good.md": {Data: []byte(valid)},
		"bad.md":  {Data: []byte("no front matter")},
	}
	lib, err := briefings.Load(fsys)
	if err == nil || lib != nil {
		t.Fatalf("Load(one bad file) = %v, %v; want an error and no library", lib, err)
	}
	if !strings.Contains(err.Error(), "bad.md:1: no front matter") {
		t.Errorf("Load error = %v", err)
	}
}

func TestEmbeddedLoads(t *testing.T) {
	lib, err := briefings.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	b, ok := lib.ByID("us-mexico-troops")
	if !ok {
		t.Fatal("us-mexico-troops is not embedded")
	}
	if len(b.Issues) != 5 || len(b.Parties) != 2 {
		t.Errorf("us-mexico-troops has %d issues and %d parties, want 5 and 2", len(b.Issues), len(b.Parties))
	}
}

func BenchmarkLoadEmbedded(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := briefings.LoadEmbedded(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMarkdownEscapesAndEntities(t *testing.T) {
	src := strings.Replace(valid, "A summary paragraph.", `A \*starred\* word, 5 \< 6, Tom &amp; Jerry, &#233;t&eacute; and `+"`a\\*b`"+` as code.`, 1)
	b, err := briefings.Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := `A *starred* word, 5 < 6, Tom & Jerry, été and a\*b as code.`
	if got := b.Sections[0].Blocks[0].Text; got != want {
		t.Errorf("summary = %q; want %q", got, want)
	}
}

// FuzzParse: whatever a file holds, Parse either refuses it with FILE:LINE errors or returns a
// briefing whose every issue has one position per party; it never panics.
func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	if seed, err := fs.ReadFile(briefings.Embedded(), "us-mexico-troops.md"); err == nil {
		f.Add(seed)
	}
	f.Add([]byte("---\nid: x\n---\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		b, err := briefings.Parse("f.md", src)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.md:") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for _, iss := range b.Issues {
			if len(iss.Positions) != len(b.Parties) {
				t.Fatalf("issue %q has %d positions for %d parties", iss.Name, len(iss.Positions), len(b.Parties))
			}
		}
		lib, err := briefings.NewLibrary(b)
		if err != nil {
			t.Fatalf("a parsed briefing is refused by NewLibrary: %v", err)
		}
		for _, s := range b.Sections {
			checkHits(t, s.Title, lib.Query(s.Title, 3))
		}
		if c := briefings.Diff(b, b); !c.Empty() {
			t.Fatalf("Diff(b, b) = %+v", c)
		}
		for i := 1; i < len(b.Events); i++ {
			if b.Events[i-1].SortKey > b.Events[i].SortKey {
				t.Fatalf("events out of order: %+v", b.Events)
			}
		}
	})
}

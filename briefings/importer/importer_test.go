package importer_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"briefbot/briefings"
	"briefbot/briefings/importer"
	"briefbot/internal/golden"
)

func importFile(t testing.TB, name string) (*importer.Draft, error) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return importer.Import(name, src, importer.Options{})
}

// placed finds the item of the report with text and says where it went.
func placed(r importer.Report, kind, text string) (importer.Item, bool) {
	for _, it := range r.Items {
		if it.Kind == kind && it.Text == text {
			return it, true
		}
	}
	return importer.Item{}, false
}

func TestImportSeed(t *testing.T) {
	d, err := importFile(t, "seed.txt")
	if err != nil {
		t.Fatalf("Import(seed.txt): %v", err)
	}
	golden.Check(t, "seed.md", d.Markdown)
	r := d.Report
	if r.Sentences != 29 || r.SentencesPlaced != 29 || r.Cells != 18 || r.CellsPlaced != 18 || len(r.LeftOut()) != 0 {
		t.Errorf("report: %s; want 29 of 29 sentences, 18 of 18 cells, nothing left out", r.Summary())
	}
	// Every sentence of the seed is in the draft as the loader reads it, word for word.
	seed, _ := os.ReadFile("testdata/seed.txt")
	for _, it := range r.Items {
		if it.Kind == "sentence" && !strings.Contains(string(d.Markdown), strings.ReplaceAll(it.Text, "*", `\*`)) {
			t.Errorf("sentence %q is not in the draft", it.Text)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(string(seed)), "\n") {
		if strings.Trim(line, "-| ") == "" {
			continue // the table's delimiter row
		}
		for _, piece := range strings.Split(line, "|") {
			if piece = strings.TrimSpace(strings.Trim(piece, "[]")); piece != "" && !accounted(r, piece) {
				t.Errorf("seed text %q is in no item of the report", piece)
			}
		}
	}
	b := d.Briefing
	if len(b.Issues) != 5 || len(b.Parties) != 2 || b.Parties[0].Name != "United States" || b.Date != "2025-04" {
		t.Errorf("draft: %d issues, parties %v, date %q; want 5 issues, United States and Mexico, 2025-04", len(b.Issues), b.Parties, b.Date)
	}
	if len(b.Events) != 6 || !b.Events[len(b.Events)-1].Upcoming {
		t.Errorf("timeline %v: want 6 entries, oldest first, the last upcoming", b.Events)
	}
}

// accounted says whether a piece of the article's text is held by items of the report: the
// items on its line, joined, give it back once quotes are straightened.
func accounted(r importer.Report, piece string) bool {
	piece = strings.NewReplacer("’", "'", "“", `"`, "”", `"`).Replace(piece)
	var all strings.Builder
	for _, it := range r.Items {
		if it.Placed() {
			all.WriteString(it.Text + " ")
		}
	}
	return strings.Contains(all.String(), piece)
}

func TestImportShapes(t *testing.T) {
	tests := []struct {
		file     string
		err      error
		parties  []string
		leftOut  int
		where    map[string]string // an item's text, and a place it must have
		notWhere []string          // text that must not be in the draft
	}{
		{file: "three-parties.txt", parties: []string{"United States", "Mexico", "Canada"},
			where: map[string]string{
				"Observes the talks": `positions table, row "Water Quotas", column Canada`,
				"According to the International Boundary and Water Commission, reservoirs stand at 31% of capacity.": "key figures (31%)",
				"The treaty of 1944 sets the quotas that the three sides now dispute.":                               "timeline (1944)",
			}},
		{file: "no-table.txt", err: importer.ErrNoPositions, leftOut: 4},
		{file: "empty-cell.txt", parties: []string{"United States", "Mexico"}, leftOut: 1,
			where: map[string]string{
				"Staff both banks": "positions, listed under the table (its cell for Mexico is empty)",
				"Ask Canada":       "positions, listed under the table (the row has 4 cells, the header 3)",
				"Night Tolls":      `positions table, row "Night Tolls" (the issue)`,
			}},
		{file: "headings.md", parties: []string{"Union", "Employers"},
			where: map[string]string{
				"Port strike stalls cross-border trade":                                                   "front matter title",
				"Dockworkers on both coasts stopped work on Monday, and nothing moved through the ports.": "summary",
				"Mediators meet the union on 14 July 2025.":                                               "timeline (14 July 2025)",
				"Harbour Gazette": "front matter source",
			}},
		{file: "page.html", parties: []string{"Arizona", "Nevada", "California"},
			where: map[string]string{
				"Senate passes the water compact": "front matter title",
				"Valley Times":                    "front matter source",
				"Opposes federal limits":          `positions table, row "Groundwater", column California`,
				"The House is expected to take up the bill in June 2025.": "timeline (June 2025, upcoming)",
			},
			notWhere: []string{"Advertisement", "Subscribe", "Related stories", "newsletter", "Copyright"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			d, err := importFile(t, tc.file)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Import(%s) = %v; want %v", tc.file, err, tc.err)
			}
			if d == nil {
				t.Fatalf("Import(%s) gave no report", tc.file)
			}
			if got := len(d.Report.LeftOut()); got != tc.leftOut {
				t.Errorf("Import(%s) left out %d items: %v; want %d", tc.file, got, d.Report.LeftOut(), tc.leftOut)
			}
			for text, want := range tc.where {
				it, ok := placed(d.Report, kindOf(d.Report, text), text)
				if !ok || !strings.Contains(strings.Join(it.Where, "; "), want) {
					t.Errorf("Import(%s): %q went to %q; want %q", tc.file, text, it.Where, want)
				}
			}
			for _, s := range tc.notWhere {
				if bytes.Contains(d.Markdown, []byte(s)) {
					t.Errorf("Import(%s): the draft holds %q, which is not the article's", tc.file, s)
				}
			}
			if tc.err != nil {
				return
			}
			var names []string
			for _, p := range d.Briefing.Parties {
				names = append(names, p.Name)
			}
			if strings.Join(names, ",") != strings.Join(tc.parties, ",") {
				t.Errorf("Import(%s) parties %q; want %q", tc.file, names, tc.parties)
			}
			if _, err := briefings.Parse(d.ID+".md", d.Markdown); err != nil {
				t.Errorf("the draft does not load: %v", err)
			}
		})
	}
}

func kindOf(r importer.Report, text string) string {
	for _, it := range r.Items {
		if it.Text == text {
			return it.Kind
		}
	}
	return ""
}

func TestImportRefusesWhatIsNoArticle(t *testing.T) {
	tests := []struct {
		name string
		src  []byte
		err  string
	}{
		{"empty.txt", nil, "is empty"},
		{"blank.txt", []byte(" \n\t\n"), "is empty"},
		{"binary.txt", []byte("PK\x03\x04\x00\x00binary"), "is not text"},
		{"latin1.txt", []byte("caf\xe9 cr\xe8me"), "is not text"},
		{"nav.html", []byte(`<html><body><nav><a href="/">Home</a></nav></body></html>`), "holds no article text"},
		{"huge.txt", bytes.Repeat([]byte("Words. "), importer.MaxArticleSize/7+1), "more than the limit"},
		{"only-table.txt", []byte("| a | b |\n|---|---|\n| c | d |\n"), "holds no article text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := importer.Import(tc.name, tc.src, importer.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Import(%s) = %v; want one line with %q", tc.name, err, tc.err)
			}
		})
	}
}

func TestReadFileRefusesATwentyMegabyteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.txt")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(20 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := importer.ReadFile(path); err == nil || !strings.Contains(err.Error(), "more than the limit") {
		t.Errorf("ReadFile(20 MiB) = %v; want it refused for its size", err)
	}
}

func BenchmarkImportSeed(b *testing.B) {
	src, err := os.ReadFile("testdata/seed.txt")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := importer.Import("seed.txt", src, importer.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

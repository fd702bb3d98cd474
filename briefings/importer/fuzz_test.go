package importer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"briefbot/briefings"
	"briefbot/briefings/importer"
)

// fuzzImport holds what every import must: no panic; a draft it returns without an error loads,
// and every sentence it says it placed is in the draft as the loader reads it.
func fuzzImport(t *testing.T, name string, src []byte) {
	d, err := importer.Import(name, src, importer.Options{})
	if err != nil || d == nil {
		return
	}
	if _, err := briefings.Parse(name+".md", d.Markdown); err != nil {
		t.Fatalf("the draft does not load: %v\n%s", err, d.Markdown)
	}
	for _, it := range d.Report.Items {
		if it.Placed() && strings.Contains(it.LeftOut, "fault of the importer") {
			t.Fatalf("placed %q but the draft does not hold it", it.Text)
		}
		if !it.Placed() && it.LeftOut == "" {
			t.Fatalf("%s %q is in no place and no reason is given", it.Kind, it.Text)
		}
		if it.Kind == "sentence" && !it.Placed() {
			t.Fatalf("sentence %q left out: %s\n%s", it.Text, it.LeftOut, d.Markdown)
		}
	}
}

func seedCorpus(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
}

func FuzzReadText(f *testing.F) {
	seedCorpus(f, "*.txt")
	seedCorpus(f, "*.md")
	f.Add([]byte("A lead.\nHeading Here\n| x | y |\n| a | |\n[src]"))
	f.Fuzz(func(t *testing.T, src []byte) { fuzzImport(t, "article.txt", src) })
}

func FuzzReadHTML(f *testing.F) {
	seedCorpus(f, "*.html")
	f.Add([]byte("<p>One. Two.</p><table><tr><th>I</th><th>A</th></tr><tr><td>x</td><td>y</td></tr></table>"))
	f.Fuzz(func(t *testing.T, src []byte) { fuzzImport(t, "article.html", src) })
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/briefings"
)

const seedArticle = "../../briefings/importer/testdata/seed.txt"

// TestImportSeedAnswersAsTheBuiltIn: the seed, imported, answers /position for every issue and
// /compare word for word as the briefing written by hand from it does. Only what names the
// briefing differs: its title (the draft's is cut from the lead), its id in buttons, its version.
func TestImportSeedAnswersAsTheBuiltIn(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, code := invoke(t, "", nil, "import", seedArticle, "--out", dir)
	if code != 0 || !strings.Contains(stdout, "wrote ") ||
		!strings.Contains(stderr, "29 of 29 sentences and 18 of 18 table cells placed, nothing left out") {
		t.Fatalf("import seed: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	lib, err := briefings.Load(os.DirFS(dir))
	if err != nil {
		t.Fatalf("the draft does not load: %v", err)
	}
	imported, err := bot.New(lib, bot.Config{Now: bottest.Day})
	if err != nil {
		t.Fatal(err)
	}
	builtin := bottest.Engine(t)
	lines := []string{"/compare"}
	builtinLib, _ := briefings.LoadEmbedded()
	for _, is := range builtinLib.Briefings()[0].Issues {
		lines = append(lines, "/position "+is.Name)
	}
	if len(lines) != 6 {
		t.Fatalf("the built-in briefing has %d issues; the test expects 5", len(lines)-1)
	}
	for _, line := range lines {
		got, want := answerText(bottest.Line(imported, line)), answerText(bottest.Line(builtin, line))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s from the imported seed:\n%+v\nwant, as the built-in briefing answers:\n%+v", line, got, want)
		}
	}
}

// answerText is a reply without what names its briefing: title, buttons, version.
func answerText(r bot.Reply) bot.Reply {
	r.Briefing, r.Actions = "", nil
	r.Footer, _, _ = strings.Cut(r.Footer, " · version")
	return r
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	empty := write("empty.txt", nil)
	binary := write("photo.txt", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	noTable := write("no-table.txt", []byte("Talks ended without a deal.\nWhat Was Said\nNothing was signed.\n[Desk]\n"))
	nav := write("nav.html", []byte(`<html><body><nav><a href="/">Home</a> <a href="/a">About</a></nav></body></html>`))
	huge := filepath.Join(dir, "huge.txt")
	if f, err := os.Create(huge); err == nil {
		f.Truncate(20 << 20)
		f.Close()
	}
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"writes the draft", []string{"import", seedArticle, "--out", out}, 0, "wrote " + filepath.Join(out, "mexico-rejects-trumps-us-troops-plan.md"), "nothing left out"},
		{"keeps an existing draft", []string{"import", seedArticle, "--out", out}, 1, "", "exists: import with --force to replace it"},
		{"replaces it with --force", []string{"import", "--force", seedArticle, "--out", out}, 0, "wrote ", ""},
		{"takes an id", []string{"import", seedArticle, "--id", "seed-draft", "--out", out}, 0, "seed-draft.md", ""},
		{"refuses a bad id", []string{"import", seedArticle, "--id", "Seed Draft", "--out", out}, 1, "", `id "Seed Draft" must be`},
		{"empty file", []string{"import", empty, "--out", out}, 1, "", "empty.txt: is empty"},
		{"binary file", []string{"import", binary, "--out", out}, 1, "", "is not text"},
		{"page with no article", []string{"import", nav, "--out", out}, 1, "", "holds no article text"},
		{"20 MB file", []string{"import", huge, "--out", out}, 1, "", "more than the limit of 4 MiB"},
		{"no table", []string{"import", noTable, "--out", out}, 1, "", "has no table of positions"},
		{"a folder", []string{"import", dir, "--out", out}, 1, "", "is a folder, not a regular file"},
		{"no such file", []string{"import", filepath.Join(dir, "nope.txt")}, 1, "", "no such file"},
		{"no such out folder", []string{"import", seedArticle, "--out", filepath.Join(dir, "nope")}, 1, "", "is not a folder"},
		{"no article", []string{"import"}, 2, "", "import takes one article file"},
		{"unknown format", []string{"import", seedArticle, "--format", "xml"}, 2, "", `unknown format "xml"`},
		{"help", []string{"import", "--help"}, 0, "Usage: briefbot import ARTICLE", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := invoke(t, "", nil, tc.args...)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("run(%q) = exit %d\nstdout:\n%s\nstderr:\n%s\nwant exit %d, stdout with %q, stderr with %q",
					tc.args, code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
			}
			if code == 1 && strings.Count(lastLines(stderr), "briefbot:") != 1 {
				t.Errorf("run(%q): want one error line, got:\n%s", tc.args, stderr)
			}
		})
	}
}

func lastLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestImportReportAsJSON(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, code := invoke(t, "", nil, "import", seedArticle, "--out", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var report struct {
		Draft           string `json:"draft"`
		Sentences       int    `json:"sentences"`
		SentencesPlaced int    `json:"sentences_placed"`
		Cells           int    `json:"cells"`
		CellsPlaced     int    `json:"cells_placed"`
		Items           []struct {
			Kind  string   `json:"kind"`
			Text  string   `json:"text"`
			Where []string `json:"where"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if report.Draft != filepath.Join(dir, "mexico-rejects-trumps-us-troops-plan.md") || report.Sentences != 29 ||
		report.SentencesPlaced != 29 || report.Cells != 18 || report.CellsPlaced != 18 {
		t.Errorf("JSON report: draft %q, %d/%d sentences, %d/%d cells; want the draft's path, 29/29, 18/18",
			report.Draft, report.SentencesPlaced, report.Sentences, report.CellsPlaced, report.Cells)
	}
	for _, it := range report.Items {
		if it.Text == "Sovereignty" && it.Kind == "cell" && !reflect.DeepEqual(it.Where, []string{`positions table, row "Sovereignty" (the issue)`}) {
			t.Errorf("the cell Sovereignty went to %q", it.Where)
		}
	}
}

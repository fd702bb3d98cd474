package briefings_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"briefbot/briefings"
)

func parse(t *testing.T, file, src string) *briefings.Briefing {
	t.Helper()
	b, err := briefings.Parse(file, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withID makes the valid briefing another one: another id and title, and replaces: when asked.
func withID(id string, replaces bool) string {
	src := strings.Replace(valid, "id: sample", "id: "+id, 1)
	src = strings.Replace(src, "title: Sample briefing", "title: Briefing "+id, 1)
	if replaces {
		src = strings.Replace(src, "source: Test desk", "source: Test desk\nreplaces: true", 1)
	}
	return src
}

func TestOverlay(t *testing.T) {
	builtin := []*briefings.Briefing{parse(t, "builtin/sample.md", valid), parse(t, "builtin/other.md", withID("other", false))}
	tests := []struct {
		name string
		disk []*briefings.Briefing
		ids  string // the library's ids, in order, and the file of the first
		file string
		err  string
	}{
		{"a new id is added", []*briefings.Briefing{parse(t, "d/new.md", withID("new", false))},
			"sample other new", "builtin/sample.md", ""},
		{"a clash is refused", []*briefings.Briefing{parse(t, "d/sample.md", valid)},
			"", "", `d/sample.md:2: id "sample" is the built-in briefing's (builtin/sample.md): add "replaces: true"`},
		{"replaces: true takes the built-in one's place", []*briefings.Briefing{parse(t, "d/sample.md", withID("sample", true))},
			"sample other", "d/sample.md", ""},
		{"two replacements of one id", []*briefings.Briefing{parse(t, "d/a.md", withID("sample", true)), parse(t, "d/b.md", withID("sample", true))},
			"", "", `d/b.md:2: duplicate id "sample": d/a.md:2 has it already`},
		{"two new files with one id", []*briefings.Briefing{parse(t, "d/a.md", withID("new", false)), parse(t, "e/a.md", withID("new", true))},
			"", "", `e/a.md:2: duplicate id "new": d/a.md:2 has it already`},
		{"replaces: true with nothing to replace adds", []*briefings.Briefing{parse(t, "d/new.md", withID("new", true))},
			"sample other new", "builtin/sample.md", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lib, err := briefings.Overlay(builtin, tc.disk)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || lib != nil {
					t.Fatalf("Overlay = %v, %v; want error %q", lib, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, b := range lib.Briefings() {
				ids = append(ids, b.ID)
			}
			if strings.Join(ids, " ") != tc.ids || lib.Briefings()[0].File != tc.file {
				t.Errorf("Overlay = %v, first from %s; want %s, first from %s", ids, lib.Briefings()[0].File, tc.ids, tc.file)
			}
		})
	}
}

func TestLoadDirs(t *testing.T) {
	seedSrc, err := fs.ReadFile(briefings.Embedded(), "us-mexico-troops.md")
	if err != nil {
		t.Fatal(err)
	}
	replacement := strings.Replace(string(seedSrc), "source: USnewsSphere.com / apn", "source: USnewsSphere.com / apn\nreplaces: true", 1)
	replacement = strings.Replace(replacement, "title: Mexico rejects U.S. troops plan", "title: Mexico rejects the U.S. troops plan", 1)
	one, two := t.TempDir(), t.TempDir()
	write := func(dir, name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(one, "troops.md", replacement)
	write(one, "sample.md", valid)

	lib, err := briefings.LoadDirs(one)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := lib.ByID("us-mexico-troops")
	if b.Title != "Mexico rejects the U.S. troops plan" || lib.Briefings()[0] != b || len(lib.Briefings()) != 2 {
		t.Errorf("LoadDirs: us-mexico-troops is %q from %s, of %d briefings; want the replacement, first", b.Title, b.File, len(lib.Briefings()))
	}
	if res := lib.Query("tunnels", 1); res.Total == 0 || res.Hits[0].Briefing != b {
		t.Errorf("Query after LoadDirs does not search the replacement")
	}

	write(two, "sample.md", valid)
	write(two, "bad.md", "no front matter")
	_, err = briefings.LoadDirs(one, two)
	for _, want := range []string{
		filepath.Join(two, "bad.md") + ":1: no front matter",
		filepath.Join(two, "sample.md") + `:2: duplicate id "sample": ` + filepath.Join(one, "sample.md") + ":2 has it already",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadDirs(two folders) = %v; want it to say %q", err, want)
		}
	}
	if _, err := briefings.LoadDirs(filepath.Join(one, "missing")); err == nil {
		t.Errorf("LoadDirs(a missing folder) = nil error")
	}
}

package bot_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/briefings"
)

func parsed(t testing.TB, doc string) *briefings.Briefing {
	t.Helper()
	b, err := briefings.Parse("test.md", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// failingVersions is a store that cannot be read.
type failingVersions struct{}

func (failingVersions) Previous(context.Context, string, string) (*briefings.Briefing, error) {
	return nil, errors.New("database is locked")
}

func (failingVersions) Version(context.Context, string, string) (*briefings.Briefing, error) {
	return nil, errors.New("database is locked")
}

func TestChanges(t *testing.T) {
	before, after := parsed(t, bottest.BriefingBefore), parsed(t, bottest.BriefingAfter)
	// A file that differs in bytes only: a new version, saying the same.
	reflowed := bottest.BriefingAfter + "\n"
	tests := []struct {
		name     string
		versions bot.Versions // nil: no store
		current  string
		line     string
		status   bot.Status
		private  bool
		title    string
		has      []string
		hasNot   []string
	}{
		{"an edited briefing", bottest.History(t, bottest.BriefingBefore, bottest.BriefingAfter), bottest.BriefingAfter,
			"/changes", bot.Answered, false, "Changes", []string{
				"Since version " + before.Version + " (April 2025): 1 position changed, 1 issue added, 1 figure removed, 1 section edited, 1 detail changed.",
				"Tariffs, Mexico: Opposes new tariffs → Accepts tariffs on steel for one year",
				"Migration: United States: Wants stricter checks; Mexico: Wants work visas",
				"3 billion: dollars of goods crossing the border each day. Source: Test desk.",
				": History\n",
				"Date: 2025-04 → 2025-05",
				"Source: Test desk, May 2025 · version " + after.Version,
			}, []string{"Energy", "25%"}},
		{"named briefing, forgivingly", bottest.History(t, bottest.BriefingBefore, bottest.BriefingAfter), bottest.BriefingAfter,
			"/changes trade-talk", bot.Answered, false, "Changes", []string{"1 position changed"}, nil},
		{"the current version not stored yet", bottest.History(t, bottest.BriefingBefore), bottest.BriefingAfter,
			"/changes", bot.Answered, false, "Changes", []string{"Since version " + before.Version}, nil},
		{"no store", nil, bottest.BriefingAfter,
			"/changes", bot.Answered, true, "No earlier version is known", []string{"This is version " + after.Version + " (May 2025)."}, nil},
		{"only this version stored", bottest.History(t, bottest.BriefingAfter), bottest.BriefingAfter,
			"/changes", bot.Answered, true, "No earlier version is known", nil, nil},
		{"an older version loaded than stored", bottest.History(t, bottest.BriefingBefore, bottest.BriefingAfter), bottest.BriefingBefore,
			"/changes", bot.Answered, true, "No earlier version is known", nil, nil},
		{"a new version that says the same", bottest.History(t, bottest.BriefingAfter, reflowed), reflowed,
			"/changes", bot.Answered, true, "No changes", []string{"Nothing moved since version " + after.Version + " (May 2025)."}, nil},
		{"the store cannot be read", failingVersions{}, bottest.BriefingAfter,
			"/changes", bot.Invalid, true, "Earlier versions cannot be read now", nil, []string{"database"}},
		{"unknown briefing", bottest.History(t, bottest.BriefingBefore), bottest.BriefingAfter,
			"/changes briefing:tariffs", bot.NotFound, true, "No briefing matches “tariffs”", []string{"Closest: Trade talks."}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := bottest.EngineWith(t, bot.Config{Versions: tc.versions}, tc.current)
			r := bottest.Line(e, tc.line)
			if r.Status != tc.status || r.Private != tc.private || r.Title != tc.title {
				t.Errorf("Line(%q) = %v, private %v, %q; want %v, private %v, %q",
					tc.line, r.Status, r.Private, r.Title, tc.status, tc.private, tc.title)
			}
			got := bottest.Text(r)
			for _, want := range tc.has {
				if !strings.Contains(got, want) {
					t.Errorf("Line(%q) does not say %q; it says:\n%s", tc.line, want, got)
				}
			}
			for _, not := range tc.hasNot {
				if strings.Contains(got, not) {
					t.Errorf("Line(%q) says %q, which did not change; it says:\n%s", tc.line, not, got)
				}
			}
		})
	}
}

// TestManyChangesAreCut: a long list of changes is shown in part, every kind still counted and
// headed, and what is left out said with "and N more".
func TestManyChangesAreCut(t *testing.T) {
	before, after := bottest.ManyChanges(40)
	e := bottest.EngineWith(t, bot.Config{Versions: bottest.History(t, before, after)}, after)
	r := bottest.Line(e, "/changes")
	got := bottest.Text(r)
	for _, want := range []string{"80 positions changed, 40 figures changed.", "Positions changed", "Figures changed", "and 75 more.", "and 35 more."} {
		if !strings.Contains(got, want) {
			t.Errorf("/changes of many does not say %q; it says:\n%s", want, got)
		}
	}
	text := 0
	for _, b := range r.Blocks {
		text += len([]rune(b.Label)) + len([]rune(b.Text))
	}
	if text > 3500 {
		t.Errorf("/changes of many holds %d characters of text; want it kept short enough for every platform", text)
	}
}

func TestComposeChanged(t *testing.T) {
	before, after := parsed(t, bottest.BriefingBefore), parsed(t, bottest.BriefingAfter)
	day := bottest.Day()
	for _, tc := range []struct {
		name     string
		previous *briefings.Briefing
	}{
		{"no earlier version", nil},
		{"the same version", after},
		{"a version that says the same", parsed(t, bottest.BriefingAfter+"\n")},
	} {
		if got, want := bot.ComposeChanged(after, day, tc.previous), bot.Compose(after, day); !reflect.DeepEqual(got, want) {
			t.Errorf("ComposeChanged with %s = %+v; want exactly Compose's %+v", tc.name, got, want)
		}
	}

	r := bot.ComposeChanged(after, day, before)
	plain := bot.Compose(after, day)
	if len(r.Blocks) < 3 || r.Blocks[0].Text != "Changed since the last digest" || r.Blocks[0].Kind != bot.Heading {
		t.Fatalf("ComposeChanged opens with %+v; want the change section", r.Blocks)
	}
	got := bottest.Text(r)
	for _, want := range []string{
		"1 position changed, 1 issue added, 1 figure removed, 1 section edited, 1 detail changed.",
		"Position changed: Tariffs, Mexico: Opposes new tariffs → Accepts tariffs on steel for one year",
		"Issue added: Migration: ",
		"Figure removed: 3 billion: ",
		"and 2 more.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("ComposeChanged does not say %q; it says:\n%s", want, got)
		}
	}
	if rest := r.Blocks[len(r.Blocks)-len(plain.Blocks):]; !reflect.DeepEqual(rest, plain.Blocks) {
		t.Errorf("ComposeChanged's digest after the change section = %+v; want Compose's %+v", rest, plain.Blocks)
	}
	if r.Title != plain.Title || r.Footer != plain.Footer || !reflect.DeepEqual(r.Fields, plain.Fields) {
		t.Errorf("ComposeChanged changed the digest itself: %+v", r)
	}
	if last := r.Actions[len(r.Actions)-1]; last.Command != "/changes briefing:trade-talks" {
		t.Errorf("ComposeChanged's last action = %+v; want one to /changes", last)
	}
}

// TestAnswersNameTheirVersion: every sourced answer's footer carries the briefing's version, and
// the digest's too.
func TestAnswersNameTheirVersion(t *testing.T) {
	e := newEngine(t)
	b := e.DefaultBriefing()
	want := "Source: USnewsSphere.com / apn, April 2025 · version " + b.Version
	if len(b.Version) != 12 {
		t.Fatalf("Version = %q; want 12 hex digits", b.Version)
	}
	for _, line := range []string{"/position sovereignty", "/compare", "/briefing", "/briefing history", "/facts", "/timeline", "/search drones", "/digest"} {
		if r := bottest.Line(e, line); r.Footer != want {
			t.Errorf("Line(%q).Footer = %q; want %q", line, r.Footer, want)
		}
	}
}

func TestVersionHistory(t *testing.T) {
	before, after := parsed(t, bottest.BriefingBefore), parsed(t, bottest.BriefingAfter)
	h := bottest.History(t, bottest.BriefingBefore, bottest.BriefingAfter)
	ctx := context.Background()
	if b, err := h.Version(ctx, "trade-talks", before.Version); err != nil || b == nil || b.Version != before.Version {
		t.Errorf("Version(%s) = %v, %v; want the stored file, parsed", before.Version, b, err)
	}
	if b, err := h.Version(ctx, "trade-talks", "000000000000"); err != nil || b != nil {
		t.Errorf("Version(unknown) = %v, %v; want nil, nil", b, err)
	}
	if b, err := h.Previous(ctx, "other", after.Version); err != nil || b != nil {
		t.Errorf("Previous of a briefing never stored = %v, %v; want nil, nil", b, err)
	}
	broken := bot.VersionsFrom(func(context.Context, string, int) ([]bot.StoredVersion, error) {
		return []bot.StoredVersion{{Version: "123456789abc", Content: []byte("no front matter")}}, nil
	})
	if _, err := broken.Previous(ctx, "trade-talks", after.Version); err == nil {
		t.Errorf("Previous of a stored file that no longer parses = no error")
	}
}

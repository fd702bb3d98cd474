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

// TestManyChangesArePaged: a long list of changes comes in pages that each fit the room, every
// change on one of them, every kind counted on the first and headed where its list runs on.
func TestManyChangesArePaged(t *testing.T) {
	before, after := bottest.ManyChanges(40)
	e := bottest.EngineWith(t, bot.Config{Versions: bottest.History(t, before, after)}, after)
	whole := bottest.Line(e, "/changes")
	if whole.Pages != 0 || !strings.Contains(bottest.Text(whole), "Issue 39, Party B") {
		t.Fatalf("/changes in the shell: page %d of %d; want every change on one", whole.Page, whole.Pages)
	}
	room := codePoints(3000, 0)
	first := bottest.LineIn(e, "/changes", member, room)
	if first.Pages < 2 || first.Page != 1 || first.Previous != "" {
		t.Fatalf("/changes of many: page %d of %d, previous %q; want page 1 of several", first.Page, first.Pages, first.Previous)
	}
	if got := bottest.Text(first); !strings.Contains(got, "80 positions changed, 40 figures changed.") {
		t.Errorf("page 1 does not count the changes; it says:\n%s", got)
	}
	var all strings.Builder
	line, pages := "/changes", 0
	for line != "" {
		r := bottest.LineIn(e, line, member, room)
		if r.Status != bot.Answered {
			t.Fatalf("Line(%q) = %s %q", line, r.Status, r.Title)
		}
		if !strings.Contains(line, "briefing:many") && pages > 0 {
			t.Errorf("the line %q does not name its briefing", line)
		}
		if used := measured(room, r.Blocks); used > room.Budget && len(r.Blocks) > 1 {
			t.Errorf("page %d holds %d of a room of %d", r.Page, used, room.Budget)
		}
		if pages > 0 && r.Blocks[0].Kind != bot.Heading {
			t.Errorf("page %d opens with %+v; want the heading of its list", r.Page, r.Blocks[0])
		}
		all.WriteString(bottest.Text(r))
		line = r.Next
		pages++
	}
	if pages != first.Pages {
		t.Errorf("Next turned %d pages; the first said %d", pages, first.Pages)
	}
	for _, want := range []string{"Issue 0, Party A", "Issue 39, Party B", "39 new: figure", "Figures changed (continued)"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("no page says %q", want)
		}
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

package bottest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"briefbot/bot"
	"briefbot/briefings"
)

// History is a store of briefing versions holding docs, each given oldest first, as
// bot.VersionsFrom reads one: what /changes and the digest compare against.
func History(tb testing.TB, docs ...string) *bot.VersionHistory {
	tb.Helper()
	stored := map[string][]bot.StoredVersion{} // newest first, as a store lists them
	for _, doc := range docs {
		b, err := briefings.Parse("history.md", []byte(doc))
		if err != nil {
			tb.Fatalf("briefings.Parse: %v", err)
		}
		stored[b.ID] = slices.Insert(stored[b.ID], 0, bot.StoredVersion{Version: b.Version, Content: []byte(doc)})
	}
	return bot.VersionsFrom(func(_ context.Context, id string, limit int) ([]bot.StoredVersion, error) {
		vs := stored[id]
		if limit > 0 && len(vs) > limit {
			vs = vs[:limit]
		}
		return vs, nil
	})
}

// EngineWith is an engine over briefings written in the test, with cfg, on Day's clock unless
// cfg sets one.
func EngineWith(tb testing.TB, cfg bot.Config, docs ...string) *bot.Engine {
	tb.Helper()
	lib, err := briefings.NewLibrary(parseDocs(tb, "test", docs)...)
	if err != nil {
		tb.Fatalf("NewLibrary: %v", err)
	}
	return over(tb, lib, []bot.Config{cfg})
}

// BriefingBefore and BriefingAfter are two versions of one briefing. The later one rewords a
// position, adds an issue, drops a figure, edits a section and moves the date.
const (
	BriefingBefore = `---
id: trade-talks
title: Trade talks
source: Test desk
date: 2025-04
parties:
  - {id: us, name: United States}
  - {id: mx, name: Mexico}
---
Both sides met to talk about trade.

## Positions
| Issue | United States | Mexico |
|---|---|---|
| Tariffs | Raise tariffs on steel | Opposes new tariffs |
| Energy | Wants open energy markets | Keeps state control of oil |

## Key figures
- 25%: tariff proposed on steel imports (source: Test desk)
- 3 billion: dollars of goods crossing the border each day (source: Test desk)

## History
Trade between the two grew for thirty years.
`
	BriefingAfter = `---
id: trade-talks
title: Trade talks
source: Test desk
date: 2025-05
parties:
  - {id: us, name: United States}
  - {id: mx, name: Mexico}
---
Both sides met to talk about trade.

## Positions
| Issue | United States | Mexico |
|---|---|---|
| Tariffs | Raise tariffs on steel | Accepts tariffs on steel for one year |
| Energy | Wants open energy markets | Keeps state control of oil |
| Migration | Wants stricter checks | Wants work visas |

## Key figures
- 25%: tariff proposed on steel imports (source: Test desk)

## History
Trade between the two grew for thirty years, then slowed.
`
)

// ManyChanges is two versions of a briefing with n issues, every position reworded and every
// figure replaced: an answer longer than any platform shows whole.
func ManyChanges(n int) (before, after string) {
	doc := func(word string) string {
		var sb strings.Builder
		sb.WriteString("---\nid: many\ntitle: Many changes\nsource: Test desk\ndate: 2025-04\n" +
			"parties:\n  - {id: a, name: Party A}\n  - {id: b, name: Party B}\n---\nSummary.\n\n" +
			"## Positions\n| Issue | Party A | Party B |\n|---|---|---|\n")
		long := strings.Repeat(word+" position text ", 20)
		for i := range n {
			fmt.Fprintf(&sb, "| Issue %d | %s %d | %s %d |\n", i, long, i, long, i)
		}
		sb.WriteString("\n## Key figures\n")
		for i := range n {
			fmt.Fprintf(&sb, "- %d %s: measure %d of %s (source: Test desk)\n", i, word, i, word)
		}
		return sb.String()
	}
	return doc("old"), doc("new")
}

// A NamedReply is a reply a renderer is tested with, named for its golden file: every name
// starts with "changes-", so that none is another test's golden file.
type NamedReply struct {
	Name  string
	Reply bot.Reply
}

// ChangeReplies are the answers that tell what changed, for each renderer to show within its
// platform's limits: /changes of an edited briefing, /changes of one changed everywhere (its
// first page where a message holds room), the digest opened by its change section, and /help
// on a command.
func ChangeReplies(tb testing.TB, room bot.Room) []NamedReply {
	tb.Helper()
	history := History(tb, BriefingBefore, BriefingAfter)
	e := EngineWith(tb, bot.Config{Versions: history}, BriefingAfter)
	previous, err := history.Previous(context.Background(), "trade-talks", e.DefaultBriefing().Version)
	if err != nil || previous == nil {
		tb.Fatalf("Previous = %v, %v; want the earlier version", previous, err)
	}
	before, after := ManyChanges(60)
	many := EngineWith(tb, bot.Config{Versions: History(tb, before, after)}, after)
	return []NamedReply{
		{"changes-edited", Line(e, "/changes")},
		{"changes-many", LineIn(many, "/changes", bot.Caller{Platform: "shell"}, room)},
		{"changes-digest", bot.ComposeChanged(e.DefaultBriefing(), Day(), previous)},
		{"changes-help-position", Line(Engine(tb), "/help position")},
	}
}

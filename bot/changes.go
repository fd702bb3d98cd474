package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"briefbot/briefings"
	"briefbot/internal/textfit"
)

// Versions finds the earlier versions of a briefing, for /changes. The store keeps every version
// it saw loaded; bot asks through this interface so that it need not know the store.
type Versions interface {
	// Previous is the version of briefing id stored before version, parsed; nil, and no error,
	// when none is known.
	Previous(ctx context.Context, id, version string) (*briefings.Briefing, error)
	// Version is the stored version of briefing id named version, parsed; nil, and no error,
	// when it is not stored.
	Version(ctx context.Context, id, version string) (*briefings.Briefing, error)
}

// A StoredVersion is one version of a briefing file as a store keeps it.
type StoredVersion struct {
	Version string // the briefing's Version: its content hash
	Content []byte // the file as it was loaded
}

// A VersionHistory reads a briefing's versions from a store's list of them, parsing each stored
// file again: the parsed briefings are what briefings.Diff compares.
type VersionHistory struct {
	list func(ctx context.Context, id string, limit int) ([]StoredVersion, error)
	// parsed keeps each version parsed once: a fan-out to a thousand channels asks for the same
	// few. A version's content never changes, so nothing here goes stale.
	mu     sync.Mutex
	parsed map[string]*briefings.Briefing // id + " " + version
}

var _ Versions = (*VersionHistory)(nil)

// VersionsFrom reads versions through list, which returns the stored versions of briefing id,
// newest first, at most limit of them (all when limit is 0), as store.Ledger.Versions does.
func VersionsFrom(list func(ctx context.Context, id string, limit int) ([]StoredVersion, error)) *VersionHistory {
	return &VersionHistory{list: list, parsed: map[string]*briefings.Briefing{}}
}

// Previous is the version stored just before version. When version itself is not stored yet
// (a request that comes before the store saw the briefing loaded), it is the newest stored.
func (h *VersionHistory) Previous(ctx context.Context, id, version string) (*briefings.Briefing, error) {
	vs, err := h.list(ctx, id, 0)
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", id, err)
	}
	at := slices.IndexFunc(vs, func(v StoredVersion) bool { return v.Version == version })
	for _, v := range vs[at+1:] {
		if v.Version != version {
			return parseStored(id, v)
		}
	}
	return nil, nil
}

// Version is the stored version of briefing id named version, parsed; nil when it is not
// stored. A digest asks it for the version its channel last received (Engine.ComposeDigest).
func (h *VersionHistory) Version(ctx context.Context, id, version string) (*briefings.Briefing, error) {
	h.mu.Lock()
	b, ok := h.parsed[id+" "+version]
	h.mu.Unlock()
	if ok {
		return b, nil
	}
	vs, err := h.list(ctx, id, 0)
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", id, err)
	}
	for _, v := range vs {
		if v.Version == version {
			b, err := parseStored(id, v)
			if err == nil {
				h.mu.Lock()
				h.parsed[id+" "+version] = b
				h.mu.Unlock()
			}
			return b, err
		}
	}
	return nil, nil
}

func parseStored(id string, v StoredVersion) (*briefings.Briefing, error) {
	b, err := briefings.Parse(id+" version "+v.Version, v.Content)
	if err != nil {
		return nil, fmt.Errorf("stored version %s of %s: %w", v.Version, id, err)
	}
	return b, nil
}

func (e *Engine) changes(ctx context.Context, req Request) Reply {
	b, bad := e.briefingFor(req)
	if bad != nil {
		return *bad
	}
	var prev *briefings.Briefing
	if e.versions != nil {
		var err error
		if prev, err = e.versions.Previous(ctx, b.ID, b.Version); err != nil {
			return Reply{Status: Invalid, Private: true, Title: "Earlier versions cannot be read now",
				Blocks: []Block{{Kind: Paragraph, Text: "Try again in a moment."}}}
		}
	}
	if prev == nil {
		return sourced(Reply{Private: true, Title: "No earlier version is known",
			Blocks: []Block{{Kind: Paragraph, Text: "This is " + versionLabel(b) + "."}}}, b)
	}
	c := briefings.Diff(prev, b)
	if c.Empty() {
		return sourced(Reply{Private: true, Title: "No changes",
			Blocks: []Block{{Kind: Paragraph, Text: "Nothing moved since " + versionLabel(prev) + "."}}}, b)
	}
	groups := changeGroups(c, b)
	r := Reply{Title: "Changes", Blocks: []Block{{Kind: Paragraph,
		Text: "Since " + versionLabel(prev) + ": " + countChanges(groups) + "."}}}
	for _, g := range groups {
		r.Blocks = append(r.Blocks, Block{Kind: Heading, Text: g.heading})
		r.Blocks = append(r.Blocks, g.entries...)
	}
	r.Actions = []Action{{Label: "Full comparison", Command: "/compare briefing:" + b.ID}}
	return paged(sourced(r, b), req.about(b), 1, 0)
}

// maxChangeText keeps one long paragraph from crowding a page of changes.
const maxChangeText = 240

// A changeGroup is one kind of change: its heading, how it is counted, and each change as an
// item to show.
type changeGroup struct {
	heading   string // "Positions changed"
	one, many string // "position changed", "positions changed"
	entries   []Block
}

func (g changeGroup) count() string {
	return fmt.Sprintf("%d %s", len(g.entries), plural(len(g.entries), g.one, g.many))
}

// countChanges says how many of each kind: "2 positions changed, 1 issue added".
func countChanges(groups []changeGroup) string {
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = g.count()
	}
	return strings.Join(parts, ", ")
}

// changeGroups lays out what moved, the positions first: they are what readers compare.
func changeGroups(c briefings.Changes, b *briefings.Briefing) []changeGroup {
	var gs []changeGroup
	add := func(heading, one, many string, entries []Block) {
		if len(entries) > 0 {
			gs = append(gs, changeGroup{heading: heading, one: one, many: many, entries: entries})
		}
	}
	var entries []Block
	for _, p := range c.Positions {
		entries = append(entries, item(p.Issue+", "+p.Party, arrow(p.Old, p.New)))
	}
	add("Positions changed", "position changed", "positions changed", entries)
	entries = nil
	for _, iss := range c.IssuesAdded {
		var cells []string
		for i, p := range b.Parties {
			if i < len(iss.Positions) {
				cells = append(cells, p.Name+": "+iss.Positions[i])
			}
		}
		entries = append(entries, item(iss.Name, strings.Join(cells, "; ")))
	}
	add("Issues added", "issue added", "issues added", entries)
	add("Issues removed", "issue removed", "issues removed", names(c.IssuesRemoved, func(i briefings.Issue) string { return i.Name }))
	entries = nil
	for _, f := range c.FiguresChanged {
		entries = append(entries, item(f.New.Figure, factChange(f.Old, f.New)))
	}
	add("Figures changed", "figure changed", "figures changed", entries)
	add("Figures added", "figure added", "figures added", facts(c.FiguresAdded))
	add("Figures removed", "figure removed", "figures removed", facts(c.FiguresRemoved))
	title := func(s string) string { return s }
	add("Sections edited", "section edited", "sections edited", names(c.SectionsEdited, title))
	add("Sections added", "section added", "sections added", names(c.SectionsAdded, title))
	add("Sections removed", "section removed", "sections removed", names(c.SectionsRemoved, title))
	add("Timeline entries added", "timeline entry added", "timeline entries added", events(c.EventsAdded))
	add("Timeline entries removed", "timeline entry removed", "timeline entries removed", events(c.EventsRemoved))
	party := func(p briefings.Party) string { return p.Name }
	add("Parties added", "party added", "parties added", names(c.PartiesAdded, party))
	add("Parties removed", "party removed", "parties removed", names(c.PartiesRemoved, party))
	entries = nil
	for _, f := range c.Fields {
		entries = append(entries, item(capitalized(f.Field), arrow(f.Old, f.New)))
	}
	add("Title, source or date changed", "detail changed", "details changed", entries)
	return gs
}

func item(label, text string) Block { return Block{Kind: Item, Label: label, Text: text} }

func names[T any](list []T, name func(T) string) []Block {
	out := make([]Block, len(list))
	for i, v := range list {
		out[i] = Block{Kind: Item, Text: name(v)}
	}
	return out
}

func facts(fs []briefings.Fact) []Block {
	out := make([]Block, len(fs))
	for i, f := range fs {
		out[i] = item(f.Figure, cut(f.Text+". Source: "+f.Source+"."))
	}
	return out
}

func events(evs []briefings.Event) []Block {
	out := make([]Block, len(evs))
	for i, ev := range evs {
		out[i] = item(ev.When, cut(ev.Text))
	}
	return out
}

// factChange says what differs of a figure still there: the figure, what it measures, its source.
func factChange(old, new briefings.Fact) string {
	var parts []string
	if old.Figure != new.Figure {
		parts = append(parts, "figure: "+arrow(old.Figure, new.Figure))
	}
	if old.Text != new.Text {
		parts = append(parts, arrow(old.Text, new.Text))
	}
	if old.Source != new.Source {
		parts = append(parts, "source: "+arrow(old.Source, new.Source))
	}
	return strings.Join(parts, "; ")
}

// arrow is a change as "old → new", each side cut to a readable length.
func arrow(old, new string) string {
	if old == "" {
		old = "(none)"
	}
	if new == "" {
		new = "(none)"
	}
	return cut(old) + " → " + cut(new)
}

// cut shortens one side of a change at a word, so that many changes fit one answer.
func cut(s string) string { return changeText.Cut(s, maxChangeText, textfit.Ellipsis) }

// changeText cuts as the engine does (plainText), and ends a cut clause without its comma.
var changeText = textfit.Fitter{Measure: textfit.CodePoints, SafeEnd: func(p string) int {
	return len(strings.TrimRight(p, " ,;:"))
}}

// versionLabel names a version as the footers do, with its date: "version 1a2b3c4d5e6f (April
// 2025)".
func versionLabel(b *briefings.Briefing) string {
	if d := b.DateLabel(); d != "" {
		return "version " + b.Version + " (" + d + ")"
	}
	return "version " + b.Version
}

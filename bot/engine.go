package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"briefbot/briefings"
	"briefbot/internal/textfit"
)

// Engine answers commands from a library of briefings.
type Engine struct {
	lib      *briefings.Library
	fallback *briefings.Briefing
	commands []Command
	now      func() time.Time
	parties  []string
	names    *briefings.Resolver // command names, for typed lines: "/pos" is /position
	access   map[string]Access
	prefixes map[string]string
	digests  Digests
	versions Versions
}

// Config is what the engine needs beyond the library.
type Config struct {
	// DefaultBriefing is the id answered when a request names none; empty means the first loaded.
	DefaultBriefing string
	// Now is the clock, for the digest's date; nil means time.Now.
	Now func() time.Time
	// Access says, per platform, who may run admin commands. The shell is always allowed; a
	// platform with no entry has no admins.
	Access map[string]Access
	// Prefixes go before every command name on a platform ("bb-" makes /bb-position), for
	// workspaces where another app took the names.
	Prefixes map[string]string
	// Digests is the scheduler; nil when no digest is configured.
	Digests Digests
	// Versions finds a briefing's earlier versions, for /changes; nil answers that no earlier
	// version is known.
	Versions Versions
}

// New returns an engine over lib.
func New(lib *briefings.Library, cfg Config) (*Engine, error) {
	all := lib.Briefings()
	if len(all) == 0 {
		return nil, fmt.Errorf("no briefings loaded")
	}
	e := &Engine{lib: lib, fallback: all[0], commands: commandTable(), now: cfg.Now,
		access: map[string]Access{"shell": {Everyone: true}}, prefixes: cfg.Prefixes, digests: cfg.Digests,
		versions: cfg.Versions}
	for platform, a := range cfg.Access {
		if platform != "shell" {
			e.access[platform] = a
		}
	}
	if cfg.DefaultBriefing != "" {
		b, ok := lib.ByID(cfg.DefaultBriefing)
		if !ok {
			return nil, fmt.Errorf("default briefing %q is not loaded", cfg.DefaultBriefing)
		}
		e.fallback = b
	}
	if e.now == nil {
		e.now = time.Now
	}
	e.names = briefings.NewResolver()
	for _, c := range e.commands {
		if err := e.names.Add(c.Name, c.Name); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	for _, b := range all {
		for _, p := range b.Parties {
			if !seen[p.ID] {
				seen[p.ID] = true
				e.parties = append(e.parties, p.ID)
			}
		}
	}
	for i := range e.commands {
		for j := range e.commands[i].Options {
			if o := &e.commands[i].Options[j]; o.Kind == PartyOption {
				o.Choices = e.parties
			}
		}
	}
	return e, nil
}

// Commands lists every command, in the order /help shows them.
func (e *Engine) Commands() []Command { return e.commands }

// Library is the set of briefings the engine answers from.
func (e *Engine) Library() *briefings.Library { return e.lib }

// DefaultBriefing is the briefing answered when a request names none.
func (e *Engine) DefaultBriefing() *briefings.Briefing { return e.fallback }

// IsAdmin reports whether c may run admin commands; from outside every server that installed
// the bot nobody may, not even a user the config names (Caller.OutsideServer).
func (e *Engine) IsAdmin(c Caller) bool { return !c.OutsideServer && e.access[c.Platform].allows(c) }

// NameOn is c's name on platform, with the platform's prefix: what its users type.
func (e *Engine) NameOn(platform string, c Command) string {
	return e.prefixes[platform] + c.nameOn(platform)
}

// CommandOn finds a command by the name it has on platform. The table's own name is accepted too
// where the platform does not rename the command.
func (e *Engine) CommandOn(platform, name string) (Command, bool) {
	name = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(name), "/"))
	for _, c := range e.commands {
		if e.NameOn(platform, c) == name {
			return c, true
		}
	}
	if prefix := e.prefixes[platform]; prefix != "" {
		var ok bool
		if name, ok = strings.CutPrefix(name, prefix); !ok {
			return Command{}, false
		}
	}
	if c, ok := e.Command(name); ok && c.nameOn(platform) == c.Name {
		return c, true
	}
	return Command{}, false
}

// Command finds a command by its name, in any case.
func (e *Engine) Command(name string) (Command, bool) {
	name = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(name), "/"))
	for _, c := range e.commands {
		if c.Name == name {
			return c, true
		}
	}
	return Command{}, false
}

// run runs the request's command, one of e's. It never fails: what cannot be answered becomes a
// private reply that says why, with a Status for the shell's exit code.
func (e *Engine) run(ctx context.Context, req Request) Reply {
	cmd := req.Command
	if cmd.handle == nil {
		return e.unknownCommand(req.Caller.Platform)
	}
	for _, o := range cmd.Options {
		if o.Required && req.Option(o.Name) == "" {
			return Usage("Missing "+o.Name, e.usageOn(req.Caller.Platform, cmd))
		}
	}
	if bad := e.unknownValue(req); bad != nil {
		return *bad
	}
	r := cmd.handle(e, ctx, req)
	if r.Private && r.Status == Answered && req.Shareable() {
		r.Share = req.Line()
	}
	return r
}

// usageOn is cmd as typed on platform: "/brief-search <words>" on Slack.
func (e *Engine) usageOn(platform string, cmd Command) string {
	return cmd.usageAs(e.NameOn(platform, cmd))
}

func (e *Engine) unknownCommand(platform string) Reply {
	names := make([]string, len(e.commands))
	for i, c := range e.commands {
		names[i] = "/" + e.NameOn(platform, c)
	}
	return Reply{Status: Invalid, Private: true, Title: "Unknown command",
		Blocks: []Block{{Kind: Paragraph, Text: "Commands: " + strings.Join(names, ", ") + "."}}}
}

// briefingFor is the briefing the request's briefing option names (its id, or a title or alias
// resolved forgivingly), or the default briefing when the option is empty. A name that matches
// no briefing gets, instead, the private answer that names the closest.
func (e *Engine) briefingFor(req Request) (*briefings.Briefing, *Reply) {
	q := req.Option("briefing")
	if q == "" {
		return e.fallback, nil
	}
	if b, ok := e.lib.Find(q); ok {
		return b, nil
	}
	r := notFound("briefing", q, e.lib.Resolver().Closest(q, closestNames))
	return nil, &r
}

// maxEcho bounds, in characters, how much of what a user typed an answer repeats: enough to
// recognise a query, short enough that a pasted paragraph does not fill a title.
const maxEcho = 60

// plainText counts characters as the terminal and the engine's own bounds do; each adapter fits
// the answer to its platform again when it renders.
var plainText = textfit.Fitter{Measure: textfit.CodePoints}

// clip shortens typed text for repeating it in an answer.
func clip(typed string) string { return plainText.Cut(typed, maxEcho, textfit.Ellipsis) }

func quote(typed string) string { return "“" + clip(typed) + "”" }

func sourced(r Reply, b *briefings.Briefing) Reply {
	r.Briefing = b.Title
	r.Footer = footer(b)
	return r
}

// footer is the source line with the briefing's version, so that two answers from different
// edits of one briefing say so, in the words /changes uses. The date is the source line's own.
func footer(b *briefings.Briefing) string {
	if b.Version == "" {
		return b.SourceLine()
	}
	return b.SourceLine() + " · version " + b.Version
}

func (e *Engine) position(_ context.Context, req Request) Reply {
	var fits func(*briefings.Briefing) bool
	pq := req.Option("party")
	if pq != "" {
		fits = func(b *briefings.Briefing) bool { _, ok := b.Party(pq); return ok }
	}
	issueOption, _ := req.Command.option("issue")
	found, bad := e.topicIn(req, issueOption, fits)
	if bad != nil {
		return *bad
	}
	b := found.Briefing
	issue, _ := b.Issue(found.Key)
	r := Reply{Title: issue.Name, Fields: make([]Field, 0, len(b.Parties))}
	if pq != "" {
		i, ok := b.Party(pq)
		if !ok {
			return notFound("party", pq, b.PartyResolver().Closest(pq, closestNames))
		}
		r.Fields = append(r.Fields, Field{Name: b.Parties[i].Name, Value: issue.Positions[i], Inline: true})
	} else {
		for i, p := range b.Parties {
			r.Fields = append(r.Fields, Field{Name: p.Name, Value: issue.Positions[i], Inline: true})
		}
	}
	r.Actions = []Action{{Label: "Full comparison", Command: "/compare briefing:" + b.ID}}
	return sourced(r, b)
}

func (e *Engine) compare(_ context.Context, req Request) Reply {
	b, bad := e.briefingFor(req)
	if bad != nil {
		return *bad
	}
	return sourced(positions("Positions", b), b)
}

// positions is the whole positions table, under the words that frame it.
func positions(title string, b *briefings.Briefing) Reply {
	r := Reply{Title: title, Table: positionsTable(b)}
	for _, p := range strings.Split(b.PositionsIntro, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			r.Blocks = append(r.Blocks, Block{Kind: Paragraph, Text: p})
		}
	}
	return r
}

func positionsTable(b *briefings.Briefing) *Table {
	t := &Table{Columns: make([]string, 0, len(b.Parties)+1), Rows: make([][]string, 0, len(b.Issues))}
	t.Columns = append(t.Columns, "Issue")
	for _, p := range b.Parties {
		t.Columns = append(t.Columns, p.Name)
	}
	for _, iss := range b.Issues {
		t.Rows = append(t.Rows, append([]string{iss.Name}, iss.Positions...))
	}
	return t
}

func (e *Engine) briefing(_ context.Context, req Request) Reply {
	b, bad := e.briefingFor(req)
	if bad != nil {
		return *bad
	}
	q := req.Option("section")
	if q == "" {
		r := Reply{Title: b.Title, Blocks: convertBlocks(b.Sections[0].Blocks)}
		var slugs []string
		for _, s := range b.Sections[1:] {
			slugs = append(slugs, s.Slug)
		}
		r.Blocks = append(r.Blocks, Block{Kind: Paragraph, Text: "Sections: " + strings.Join(slugs, ", ") + "."})
		return sourced(r, b)
	}
	sectionOption, _ := req.Command.option("section")
	found, bad := e.topicIn(req, sectionOption, nil)
	if bad != nil {
		return *bad
	}
	b = found.Briefing
	s, _ := b.Section(found.Key)
	switch s.Slug {
	case "positions":
		return sourced(positions(s.Title, b), b)
	case "timeline":
		return e.timelineOf(b, req)
	}
	return sourced(Reply{Title: s.Title, Blocks: convertBlocks(s.Blocks)}, b)
}

func convertBlocks(in []briefings.Block) []Block {
	out := make([]Block, 0, len(in))
	for _, b := range in {
		switch b.Kind {
		case briefings.Item, briefings.Row:
			out = append(out, Block{Kind: Item, Label: b.Label, Text: b.Text})
		case briefings.Quote:
			out = append(out, Block{Kind: Quote, Text: b.Text})
		case briefings.Subheading:
			out = append(out, Block{Kind: Heading, Text: b.Text})
		default:
			out = append(out, Block{Kind: Paragraph, Text: b.Text})
		}
	}
	return out
}

func (e *Engine) facts(_ context.Context, req Request) Reply {
	b, bad := e.briefingFor(req)
	if bad != nil {
		return *bad
	}
	r := Reply{Title: "Key figures"}
	for _, f := range b.Facts {
		r.Blocks = append(r.Blocks, Block{Kind: Item, Label: f.Figure, Text: f.Text + ". Source: " + f.Source + "."})
	}
	if len(r.Blocks) == 0 {
		r.Blocks = []Block{{Kind: Paragraph, Text: "This briefing lists no key figures."}}
	}
	return paged(sourced(r, b), req.about(b), 0, 0)
}

func (e *Engine) timeline(_ context.Context, req Request) Reply {
	b, bad := e.briefingFor(req)
	if bad != nil {
		return *bad
	}
	return e.timelineOf(b, req)
}

// timelineOf is b's timeline, paged as req asks: a /timeline request, or another command's
// (/briefing timeline), whose pages turn as /timeline's.
func (e *Engine) timelineOf(b *briefings.Briefing, req Request) Reply {
	if !req.Command.Paged {
		cmd, _ := e.Command("timeline")
		room := req.Room
		req = e.request(cmd, map[string]string{})
		req.Room = room
	}
	r := Reply{Title: "Timeline"}
	for _, ev := range b.Events {
		label := ev.When
		if ev.Upcoming {
			label += " (upcoming)"
		}
		r.Blocks = append(r.Blocks, Block{Kind: Item, Label: label, Text: ev.Text})
	}
	if len(r.Blocks) == 0 {
		r.Blocks = []Block{{Kind: Paragraph, Text: "This briefing has no timeline."}}
	}
	return paged(sourced(r, b), req.about(b), 0, 0)
}

// about is the request naming briefing b by its id, so that the lines of its pages turn
// through b whichever briefing is the default when they are pressed.
func (r Request) about(b *briefings.Briefing) Request {
	options := make(map[string]string, len(r.Options)+1)
	for k, v := range r.Options {
		options[k] = v
	}
	options["briefing"] = b.ID
	r.Options = options
	return r
}

// Bounds on a search's answer: hitsPerPage keeps a page readable on every platform; maxHits
// bounds the pages, past which more words serve better than more pages.
const (
	hitsPerPage = 8
	maxHits     = 10 * hitsPerPage
)

func (e *Engine) search(_ context.Context, req Request) Reply {
	q := req.Option("words")
	res := e.lib.Query(q, maxHits)
	if len(res.Hits) == 0 {
		r := Reply{Status: NotFound, Private: true, Title: "Nothing matches " + quote(q)}
		text := "Try fewer words, or /help for what is loaded."
		if len(res.Closest) > 0 {
			r.Suggestions = res.Closest
			text = "Words that do occur: " + strings.Join(res.Closest, ", ") + "."
		}
		r.Blocks = []Block{{Kind: Paragraph, Text: text}}
		return r
	}
	multi := len(e.lib.Briefings()) > 1
	r := Reply{Title: "Search: " + clip(q), Blocks: hitBlocks(res.Hits, multi)}
	if more := res.Total - len(res.Hits); more > 0 {
		r.Blocks = append(r.Blocks, Block{Kind: Paragraph,
			Text: fmt.Sprintf("%d more %s: add words to narrow the search.", more, plural(more, "passage matches", "passages match"))})
	}
	if !multi {
		r = sourced(r, res.Hits[0].Briefing)
	}
	return paged(r, req, 0, hitsPerPage)
}

// hitBlocks are search hits as an answer shows them: each an item labelled with its section
// (and its briefing, where several are loaded), the words found marked.
func hitBlocks(hits []briefings.Hit, multi bool) []Block {
	blocks := make([]Block, 0, len(hits))
	for _, h := range hits {
		label := h.Section
		if multi {
			label = h.Briefing.Title + " › " + h.Section
		}
		marks := make([]Span, len(h.Matches))
		for i, m := range h.Matches {
			marks[i] = Span{Start: m.Start, End: m.End}
		}
		// Where else the passage is said goes after it, in its text, so that every renderer
		// shows it with the hit; the marks stay where they were. Another briefing's section
		// is named with its briefing; a few are named, the rest counted.
		text := h.Text
		if h.Elsewhere > 0 {
			const named = 3
			var places []string
			for _, p := range h.AlsoIn[:min(len(h.AlsoIn), named)] {
				if p.Briefing != h.Briefing {
					places = append(places, p.Briefing.Title+" › "+p.Section)
				} else {
					places = append(places, p.Section)
				}
			}
			also := strings.Join(places, ", ")
			if more := h.Elsewhere - len(places); more > 0 {
				also += fmt.Sprintf(" and %d more", more)
			}
			text += " (Also in: " + also + ".)"
		}
		blocks = append(blocks, Block{Kind: Item, Label: label, Text: text, Emphasis: marks})
	}
	return blocks
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

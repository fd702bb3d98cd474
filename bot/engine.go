package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"briefbot/briefings"
)

// A Request is one command as any platform delivers it, already translated by its adapter.
type Request struct {
	Command string
	Options map[string]string // option name -> what the user typed
	// Admin is the adapter's verdict on whether the caller may run admin actions (an admin role on
	// Discord, an admin user id on Slack, always in the local shell).
	Admin bool
}

// Option returns the trimmed value of a named option.
func (r Request) Option(name string) string { return strings.TrimSpace(r.Options[name]) }

// Engine answers commands from a library of briefings.
type Engine struct {
	lib      *briefings.Library
	fallback *briefings.Briefing
	commands []Command
	now      func() time.Time
	parties  []string
	names    *briefings.Resolver // command names, for typed lines: "/pos" is /position
}

// Config is what the engine needs beyond the library.
type Config struct {
	// DefaultBriefing is the id answered when a request names none; empty means the first loaded.
	DefaultBriefing string
	// Now is the clock, for the digest's date; nil means time.Now.
	Now func() time.Time
}

// New returns an engine over lib.
func New(lib *briefings.Library, cfg Config) (*Engine, error) {
	all := lib.Briefings()
	if len(all) == 0 {
		return nil, fmt.Errorf("no briefings loaded")
	}
	e := &Engine{lib: lib, fallback: all[0], commands: commandTable(), now: cfg.Now}
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

// Handle answers one request. It never fails: what cannot be answered becomes a private reply
// that says why, with a Status for the shell's exit code.
func (e *Engine) Handle(ctx context.Context, req Request) Reply {
	cmd, ok := e.Command(req.Command)
	if !ok {
		return e.unknownCommand(req.Command)
	}
	for _, o := range cmd.Options {
		if o.Required && req.Option(o.Name) == "" {
			return Reply{Status: Invalid, Private: true, Title: "Missing " + o.Name,
				Blocks: []Block{{Kind: Paragraph, Text: "Usage: " + cmd.Usage()}}}
		}
	}
	return cmd.handle(e, ctx, req)
}

func (e *Engine) unknownCommand(name string) Reply {
	names := make([]string, len(e.commands))
	for i, c := range e.commands {
		names[i] = "/" + c.Name
	}
	return Reply{Status: Invalid, Private: true, Title: "Unknown command",
		Blocks: []Block{{Kind: Paragraph, Text: "Commands: " + strings.Join(names, ", ") + "."}}}
}

// briefing resolves the request's briefing option, or the default when it has none.
func (e *Engine) briefingFor(req Request) (*briefings.Briefing, *Reply) {
	q := req.Option("briefing")
	if q == "" {
		return e.fallback, nil
	}
	if b, ok := e.lib.Find(q); ok {
		return b, nil
	}
	r := notFound("briefing", q, e.lib.Resolver().Closest(q, 3))
	return nil, &r
}

// notFound is the short private answer to a topic that matched nothing, naming the closest ones.
func notFound(what, typed string, closest []briefings.Match) Reply {
	r := Reply{Status: NotFound, Private: true, Title: "No " + what + " matches " + quote(typed)}
	for _, m := range closest {
		r.Suggestions = append(r.Suggestions, m.Label)
	}
	if len(r.Suggestions) > 0 {
		r.Blocks = []Block{{Kind: Paragraph, Text: "Closest: " + strings.Join(r.Suggestions, ", ") + "."}}
	}
	return r
}

// maxEcho bounds how much of what a user typed an answer repeats.
const maxEcho = 60

// clip shortens typed text for repeating it in an answer.
func clip(typed string) string {
	if utf8.RuneCountInString(typed) <= maxEcho {
		return typed
	}
	return string([]rune(typed)[:maxEcho-1]) + "…"
}

func quote(typed string) string { return "“" + clip(typed) + "”" }

func sourced(r Reply, b *briefings.Briefing) Reply {
	r.Briefing = b.Title
	r.Footer = b.SourceLine()
	return r
}

func (e *Engine) position(_ context.Context, req Request) Reply {
	b, bad := e.briefingFor(req)
	if bad != nil {
		return *bad
	}
	q := req.Option("issue")
	issue, ok := b.Issue(q)
	if !ok {
		return notFound("issue", q, b.IssueResolver().Closest(q, 3))
	}
	r := Reply{Title: issue.Name, Fields: make([]Field, 0, len(b.Parties))}
	if pq := req.Option("party"); pq != "" {
		i, ok := b.Party(pq)
		if !ok {
			return notFound("party", pq, b.PartyResolver().Closest(pq, 3))
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
	return sourced(Reply{Title: "Positions", Table: positionsTable(b)}, b)
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
	s, ok := b.Section(q)
	if !ok {
		return notFound("section", q, b.SectionResolver().Closest(q, 3))
	}
	switch s.Slug {
	case "positions":
		return sourced(Reply{Title: s.Title, Table: positionsTable(b)}, b)
	case "timeline":
		return e.timelineOf(b)
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
	return sourced(r, b)
}

func (e *Engine) timeline(_ context.Context, req Request) Reply {
	b, bad := e.briefingFor(req)
	if bad != nil {
		return *bad
	}
	return e.timelineOf(b)
}

func (e *Engine) timelineOf(b *briefings.Briefing) Reply {
	r := Reply{Title: "Timeline"}
	for _, ev := range b.Events {
		r.Blocks = append(r.Blocks, Block{Kind: Item, Label: ev.When, Text: ev.Text})
	}
	if len(r.Blocks) == 0 {
		r.Blocks = []Block{{Kind: Paragraph, Text: "This briefing has no timeline."}}
	}
	return sourced(r, b)
}

// searchLimit keeps a search answer readable on every platform.
const searchLimit = 8

func (e *Engine) search(_ context.Context, req Request) Reply {
	q := req.Option("words")
	hits := e.lib.Search(strings.Fields(q), searchLimit+1)
	if len(hits) == 0 {
		return Reply{Status: NotFound, Private: true, Title: "Nothing matches " + quote(q),
			Blocks: []Block{{Kind: Paragraph, Text: "Try fewer words, or /help for what is loaded."}}}
	}
	r := Reply{Title: "Search: " + clip(q)}
	multi := len(e.lib.Briefings()) > 1
	for i, h := range hits {
		if i == searchLimit {
			r.Blocks = append(r.Blocks, Block{Kind: Paragraph, Text: "More passages match: add words to narrow the search."})
			break
		}
		label := h.Section
		if multi {
			label = h.Briefing.Title + " › " + h.Section
		}
		r.Blocks = append(r.Blocks, Block{Kind: Item, Label: label, Text: h.Text})
	}
	if !multi {
		r = sourced(r, hits[0].Briefing)
	}
	return r
}

// noDigest answers /digest now and status until a scheduler delivers digests.
func noDigest() Reply {
	return Reply{Private: true, Title: "No digest is configured",
		Blocks: []Block{{Kind: Paragraph, Text: "Moderators add digests under digests: in the config file."}}}
}

func (e *Engine) digest(_ context.Context, req Request) Reply {
	action := strings.ToLower(req.Option("action"))
	switch action {
	case "", DigestPreview:
		r := Compose(e.fallback, e.now())
		r.Private = true
		return r
	case DigestNow:
		if !req.Admin {
			return Reply{Status: Forbidden, Private: true, Title: "Only admins can post the digest",
				Blocks: []Block{{Kind: Paragraph, Text: "Ask a moderator, or use /digest preview to see it privately."}}}
		}
		return noDigest()
	case DigestStatus:
		return noDigest()
	}
	return Reply{Status: Invalid, Private: true, Title: "Unknown digest action",
		Blocks: []Block{{Kind: Paragraph, Text: "Use /digest preview, /digest now or /digest status."}}}
}

func (e *Engine) help(context.Context, Request) Reply {
	r := Reply{Title: "briefbot", Private: true}
	for _, c := range e.commands {
		text := c.Description
		if c.Admin {
			text += " (parts for admins)"
		}
		r.Blocks = append(r.Blocks, Block{Kind: Item, Label: c.Usage(), Text: text})
	}
	r.Blocks = append(r.Blocks, Block{Kind: Heading, Text: "Briefings"})
	for _, b := range e.lib.Briefings() {
		text := fmt.Sprintf("%s (%d issues; %s)", b.Title, len(b.Issues), b.SourceLine())
		if b == e.fallback {
			text += ", the default"
		}
		r.Blocks = append(r.Blocks, Block{Kind: Item, Label: b.ID, Text: text})
	}
	return r
}

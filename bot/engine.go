package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"briefbot/briefings"
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

package bot

import (
	"context"
	"strings"
)

// OptionKind says what an option's value names, which decides how it is resolved, completed and
// offered on each platform.
type OptionKind int

const (
	TextOption     OptionKind = iota // free words
	IssueOption                      // an issue of the briefing
	PartyOption                      // a party of the briefing; platforms offer fixed choices
	SectionOption                    // a section of the briefing
	BriefingOption                   // a loaded briefing
	ChoiceOption                     // one of Choices
	DigestOption                     // a configured digest
	CommandOption                    // one of the engine's commands, as /help explains it
	DateOption                       // a day, written 2026-12-25; typed "until 2026-12-25" too
)

// An Option is one argument of a command.
type Option struct {
	Name        string
	Description string
	Kind        OptionKind
	Required    bool
	Choices     []string // for ChoiceOption; for PartyOption the engine fills in the loaded parties
}

// A Command is one slash command, declared as data: the same table drives routing, /help, Discord
// registration and the Slack manifest.
type Command struct {
	Name string
	// Names are the command's names on platforms where Name is taken: Slack reserves /search
	// for itself and refuses a manifest that names it.
	Names       map[string]string
	Description string
	Options     []Option
	// Admin commands have parts that change something (/digest now). Discord shows them only to
	// members who manage the server (default_member_permissions); Slack cannot limit a command.
	// Either way the engine checks the caller (Engine.IsAdmin) before doing those parts.
	Admin bool
	// Slow commands may take longer than a platform waits for its first answer (they post to
	// channels). Adapters acknowledge them at once and follow up; every other command is answered
	// in the request, in microseconds.
	Slow bool
	// Volatile answers read more than the engine (the ledger's stored versions): an adapter
	// must not keep them.
	Volatile bool
	// Umbrella marks /briefbot, whose one option is another command line: every command stays
	// reachable in a workspace where another app took its name.
	Umbrella bool
	// Paged commands answer with a list that may run past one message: they come in pages, and
	// take the page by name ("page:2"), as their buttons send it. The option is not among
	// Options, so that nobody is offered it; typed by name it works all the same.
	Paged bool
	// message: the command answers a message someone pointed at, and no typed line asks for
	// it again, so its answers are not shared from a button (findCommand).
	message bool
	handle  func(e *Engine, ctx context.Context, req Request) Reply
}

// nameOn is the command's name on platform, before any configured prefix.
func (c Command) nameOn(platform string) string {
	if n, ok := c.Names[platform]; ok {
		return n
	}
	return c.Name
}

// CommandNames are the commands' names as typed on platform with prefix before each
// ("/bb-position"), in the table's order: what the platform's own rules on names must accept
// before any engine is made.
func CommandNames(platform, prefix string) []string {
	var names []string
	for _, c := range commandTable() {
		names = append(names, "/"+prefix+c.nameOn(platform))
	}
	return names
}

// Usage is the command as typed, with its options: "/position <issue> [party] [briefing]".
func (c Command) Usage() string { return c.usageAs(c.Name) }

func (c Command) usageAs(name string) string {
	var sb strings.Builder
	sb.WriteString("/")
	sb.WriteString(name)
	for _, o := range c.Options {
		name := o.Name
		if o.Kind == ChoiceOption {
			name = strings.Join(o.Choices, "|")
		}
		if o.Required {
			sb.WriteString(" <" + name + ">")
		} else {
			sb.WriteString(" [" + name + "]")
		}
	}
	return sb.String()
}

// Hint is the usage without the command's own name, as Slack's usage_hint shows it.
func (c Command) Hint() string {
	return strings.TrimSpace(strings.TrimPrefix(c.Usage(), "/"+c.Name))
}

// UmbrellaName is the one command that reaches every other.
const UmbrellaName = "briefbot"

// Digest actions. Pause, resume, skip and unskip change what the scheduler posts, as now does:
// they are for admins.
const (
	DigestPreview = "preview"
	DigestNow     = "now"
	DigestStatus  = "status"
	DigestPause   = "pause"
	DigestResume  = "resume"
	DigestSkip    = "skip"
	DigestUnskip  = "unskip"
)

var briefingOption = Option{Name: "briefing", Description: "Which briefing (default: the configured one)", Kind: BriefingOption}

func commandTable() []Command {
	return []Command{
		{
			Name:        "position",
			Description: "Each party's position on an issue, side by side",
			Options: []Option{
				{Name: "issue", Description: "The issue, e.g. sovereignty", Kind: IssueOption, Required: true},
				{Name: "party", Description: "Only this party's position", Kind: PartyOption},
				briefingOption,
			},
			handle: (*Engine).position,
		},
		{
			Name:        "compare",
			Description: "The whole positions table",
			Options:     []Option{briefingOption},
			handle:      (*Engine).compare,
		},
		{
			Name:        "briefing",
			Description: "The summary of a briefing, or one of its sections",
			Options: []Option{
				{Name: "section", Description: "A section, e.g. history", Kind: SectionOption},
				briefingOption,
			},
			handle: (*Engine).briefing,
		},
		{
			Name:        "facts",
			Description: "Key figures, each with its source",
			Options:     []Option{briefingOption},
			Paged:       true,
			handle:      (*Engine).facts,
		},
		{
			Name:        "timeline",
			Description: "Dated events, oldest first",
			Options:     []Option{briefingOption},
			Paged:       true,
			handle:      (*Engine).timeline,
		},
		{
			Name:        "search",
			Names:       map[string]string{"slack": "brief-search"},
			Description: "Passages that match the words, best first, across their forms",
			Options: []Option{
				{Name: "words", Description: "What to look for", Kind: TextOption, Required: true},
			},
			Paged:  true,
			handle: (*Engine).search,
		},
		{
			Name:        "changes",
			Description: "What moved since the briefing's previous version",
			Options:     []Option{briefingOption},
			Volatile:    true,
			Paged:       true,
			handle:      (*Engine).changes,
		},
		{
			Name:        "digest",
			Description: "Preview a digest or see its next runs; post it now, pause it, resume it or skip a day",
			Options: []Option{
				{Name: "action", Description: "preview, now, status, pause, resume, skip or unskip", Kind: ChoiceOption,
					Choices: []string{DigestPreview, DigestNow, DigestStatus, DigestPause, DigestResume, DigestSkip, DigestUnskip}},
				{Name: "name", Description: "Which digest (default: every one)", Kind: DigestOption},
				{Name: "date", Description: "pause: the day it posts again (none: until resumed); skip, unskip: the day", Kind: DateOption},
			},
			Admin:  true,
			Slow:   true,
			handle: (*Engine).digest,
		},
		{
			Name:        "help",
			Description: "Commands and loaded briefings, or one command explained with examples",
			Options: []Option{
				{Name: "command", Description: "The command to explain, e.g. position", Kind: CommandOption},
			},
			handle: (*Engine).help,
		},
		{
			Name:        UmbrellaName,
			Description: "Any briefbot command: /briefbot position sovereignty, /briefbot help",
			Options: []Option{
				{Name: "command", Description: "A command and its words, e.g. search tunnels", Kind: TextOption, Required: true},
			},
			Umbrella: true,
			// Parse replaces an umbrella request with the command it names; one that names none
			// is answered with help.
			handle: (*Engine).overview,
		},
	}
}

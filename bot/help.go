package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"briefbot/briefings"
)

// help lists every command, or explains the one its option names.
func (e *Engine) help(ctx context.Context, req Request) Reply {
	if q := req.Option("command"); q != "" {
		return e.explain(req.Caller.Platform, q)
	}
	return e.overview(ctx, req)
}

// overview lists the commands, as typed on the asker's platform, and the loaded briefings.
func (e *Engine) overview(_ context.Context, req Request) Reply {
	r := Reply{Title: "briefbot", Private: true}
	var serverOnly []string
	digestThere := false
	for _, c := range e.commands {
		// Outside every server that installed the bot (a DM), Discord offers no admin command.
		if c.Admin && req.Caller.OutsideServer {
			serverOnly = append(serverOnly, "/"+e.NameOn(req.Caller.Platform, c))
			digestThere = digestThere || c.Name == "digest"
			continue
		}
		r.Blocks = append(r.Blocks, Block{Kind: Item, Label: e.usageOn(req.Caller.Platform, c), Text: describe(c)})
	}
	if len(serverOnly) > 0 {
		text := "In a server where briefbot is installed: " + strings.Join(serverOnly, ", ") + "."
		if umbrella, ok := e.Command(UmbrellaName); ok && digestThere {
			text += " Here, /" + e.NameOn(req.Caller.Platform, umbrella) + " digest preview shows a digest privately."
		}
		r.Blocks = append(r.Blocks, Block{Kind: Paragraph, Text: text})
	}
	r.Blocks = append(r.Blocks, Block{Kind: Heading, Text: "Briefings"})
	for _, b := range e.lib.Briefings() {
		text := fmt.Sprintf("%s (%d issues; %s)", b.Title, len(b.Issues), footer(b))
		if b == e.fallback {
			text += ", the default"
		}
		r.Blocks = append(r.Blocks, Block{Kind: Item, Label: b.ID, Text: text})
	}
	return r
}

func describe(c Command) string {
	if c.Admin {
		return c.Description + " (parts for admins)"
	}
	return c.Description
}

// commandNamed finds the command a user asks help for: by its name on the platform, its name in
// the table, or forgivingly ("pos" is position).
func (e *Engine) commandNamed(platform, q string) (Command, bool) {
	q = strings.TrimPrefix(strings.TrimSpace(q), "/")
	if c, ok := e.CommandOn(platform, q); ok {
		return c, true
	}
	if c, ok := e.Command(q); ok {
		return c, true
	}
	if m, ok := e.names.Resolve(q); ok {
		return e.Command(m.Key)
	}
	return Command{}, false
}

// explain answers /help <command>: its usage as typed on the asker's platform, its options with
// the values they take, and examples made of the loaded briefings, so each one answers.
func (e *Engine) explain(platform, q string) Reply {
	cmd, ok := e.commandNamed(platform, q)
	if !ok {
		var names []string
		for _, m := range e.names.Closest(q, closestNames) {
			if c, ok := e.Command(m.Key); ok {
				names = append(names, "/"+e.NameOn(platform, c))
			}
		}
		return noneMatches("command", q, names)
	}
	r := Reply{Private: true, Title: e.usageOn(platform, cmd),
		Blocks: []Block{{Kind: Paragraph, Text: describe(cmd) + "."}}}
	if len(cmd.Options) > 0 {
		r.Blocks = append(r.Blocks, Block{Kind: Heading, Text: "Options"})
	}
	for _, o := range cmd.Options {
		label := o.Name
		if o.Required {
			label += " (required)"
		}
		text := o.Description + "."
		if vs := e.values(platform, o); vs != "" {
			text += " " + vs
		}
		r.Blocks = append(r.Blocks, Block{Kind: Item, Label: label, Text: text})
	}
	if ex := e.examples(platform, cmd); len(ex) > 0 {
		r.Blocks = append(r.Blocks, Block{Kind: Heading, Text: "Examples"})
		for _, line := range ex {
			r.Blocks = append(r.Blocks, Block{Kind: Item, Text: line})
		}
	}
	return r
}

// maxValues bounds the values /help lists for one option, as a briefing may have many.
const maxValues = 8

// values lists what an option takes, from the loaded briefings and the config: "In
// us-mexico-troops: Sovereignty, ...".
func (e *Engine) values(platform string, o Option) string {
	b := e.fallback
	var list []string
	prefix := "One of: "
	switch o.Kind {
	case IssueOption:
		prefix = "In " + b.ID + ": "
		for _, iss := range b.Issues {
			list = append(list, iss.Name)
		}
	case SectionOption:
		prefix = "In " + b.ID + ": "
		for _, s := range b.Sections {
			list = append(list, s.Slug)
		}
	case PartyOption:
		prefix = "In " + b.ID + ": "
		for _, p := range b.Parties {
			list = append(list, p.ID+" ("+p.Name+")")
		}
	case BriefingOption:
		prefix = "Loaded: "
		for _, b := range e.lib.Briefings() {
			list = append(list, b.ID)
		}
	case ChoiceOption:
		if !slices.ContainsFunc(o.Choices, func(c string) bool { return !strings.Contains(o.Description, c) }) {
			return "" // the description names them all
		}
		list = o.Choices
	case DigestOption:
		prefix = "Configured: "
		list = e.digestNames()
	case DateOption:
		return "Written 2026-12-25, in the digest's own time zone; /digest pause morning until 2027-01-04 reads too."
	case CommandOption:
		for _, c := range e.commands {
			list = append(list, e.NameOn(platform, c))
		}
	}
	if len(list) == 0 {
		return ""
	}
	if len(list) > maxValues && o.Kind != CommandOption { // every command is worth naming
		list = append(list[:maxValues:maxValues], fmt.Sprintf("and %d more", len(list)-maxValues))
	}
	return prefix + strings.Join(list, ", ") + "."
}

func (e *Engine) digestNames() []string {
	if e.digests == nil {
		return nil
	}
	var out []string
	for _, d := range e.digests.Digests() {
		out = append(out, d.Name)
	}
	return out
}

// maxExamples is how many example lines /help gives for one command.
const maxExamples = 3

// examples are command lines that answer from what is loaded: the required options alone, then
// with each optional one in turn. The command's first option is given by position, as users
// type it; a later one by name, which is never misread.
func (e *Engine) examples(platform string, cmd Command) []string {
	if cmd.Umbrella {
		// Within the umbrella, commands go by their table names, as the design documents them.
		var out []string
		for _, sub := range []string{"position", "search", "help"} {
			if c, ok := e.Command(sub); ok {
				if ex := e.examplesAs(sub, platform, c); len(ex) > 0 {
					out = append(out, "/"+e.NameOn(platform, cmd)+" "+ex[0])
				}
			}
		}
		return out
	}
	return e.examplesAs("/"+e.NameOn(platform, cmd), platform, cmd)
}

// examplesAs makes the examples of cmd, typed as name.
func (e *Engine) examplesAs(name, platform string, cmd Command) []string {
	// base is the command with its required options, sampled from b.
	base := func(v int, b *briefings.Briefing) (string, bool) {
		line := name
		for _, o := range cmd.Options {
			if o.Required {
				s, ok := e.sample(platform, o, v, b)
				if !ok {
					return "", false
				}
				line += " " + s
			}
		}
		return line, true
	}
	var out []string
	add := func(line string) {
		if !slices.Contains(out, line) && len(out) < maxExamples {
			out = append(out, line)
		}
	}
	if line, ok := base(0, e.fallback); ok {
		add(line)
	}
	for i, o := range cmd.Options {
		if o.Required {
			continue
		}
		v := len(out)
		s, found := e.sample(platform, o, v, e.fallback)
		about := e.fallback
		if o.Kind == BriefingOption && found {
			about, _ = e.lib.ByID(s) // the required options then come from the briefing named
		}
		line, ok := base(v, about)
		if !ok || !found {
			continue
		}
		if i == 0 {
			add(line + " " + s)
		} else {
			add(line + " " + o.Name + ":" + s)
		}
	}
	for v := 1; len(out) < 2 && v <= maxExamples; v++ {
		if line, ok := base(v, e.fallback); ok {
			add(line) // a command of one required option: vary its value
		}
	}
	return out
}

// sample is the v-th example value of an option, taken from what is loaded (a topic from b);
// false when there is none to give.
func (e *Engine) sample(platform string, o Option, v int, b *briefings.Briefing) (string, bool) {
	pick := func(list []string) (string, bool) {
		if len(list) == 0 {
			return "", false
		}
		return list[v%len(list)], true
	}
	switch o.Kind {
	case IssueOption:
		return pick(mapped(b.Issues, func(i briefings.Issue) string { return i.Slug }))
	case PartyOption:
		return pick(mapped(b.Parties, func(p briefings.Party) string { return p.ID }))
	case SectionOption:
		secs := mapped(b.Sections, func(s briefings.Section) string { return s.Slug })
		if len(secs) > 1 {
			secs = secs[1:] // the summary is what the command answers without a section
		}
		return pick(secs)
	case BriefingOption:
		return pick(mapped(e.lib.Briefings(), func(b *briefings.Briefing) string { return b.ID }))
	case ChoiceOption:
		return pick(o.Choices)
	case DigestOption:
		return pick(e.digestNames())
	case CommandOption:
		var names []string
		for _, c := range e.commands {
			if !c.Umbrella && c.Name != "help" {
				names = append(names, e.NameOn(platform, c))
			}
		}
		return pick(names)
	case TextOption:
		return pick(e.searchWords(b, maxExamples))
	}
	return "", false
}

func mapped[T any](list []T, f func(T) string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = f(v)
	}
	return out
}

// minSearchWord keeps example words to those that mean something alone.
const minSearchWord = 6

// searchWords are up to n words of the briefing that search finds: from its key figures, then its
// summary, in the order written.
func (e *Engine) searchWords(b *briefings.Briefing, n int) []string {
	var texts []string
	for _, f := range b.Facts {
		texts = append(texts, f.Text)
	}
	for _, bl := range b.Sections[0].Blocks {
		texts = append(texts, bl.Text)
	}
	var out []string
	for _, t := range texts {
		for _, w := range strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) }) {
			w = strings.ToLower(w)
			if len(out) == n {
				return out
			}
			if len([]rune(w)) >= minSearchWord && !slices.Contains(out, w) && len(e.lib.Query(w, 1).Hits) > 0 {
				out = append(out, w)
			}
		}
	}
	return out
}

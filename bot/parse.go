package bot

import (
	"slices"
	"strings"
	"time"

	"briefbot/briefings"
)

// A UsageError is a command line that cannot be made into a request.
type UsageError struct{ Reply Reply }

func (e *UsageError) Error() string { return e.Reply.Title }

// Parse reads a typed command line, "/position troops mexico" or "position issue:border surv
// party:mx", into a request. Words name options in order; "name:value" names one outright, and the
// words after it belong to it. Trailing words that are exactly a party's or a briefing's name are
// taken as that option, so "/position troops mexico" asks for Mexico's position on troops. Names
// resolve forgivingly ("/pos" is /position). A line that cannot be read still gives a request,
// which answers with what is wrong; the error says so too.
func (e *Engine) Parse(line string) (Request, error) {
	name, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	cmd, ok := e.Command(name)
	if !ok {
		m, found := e.names.Resolve(name)
		if !found {
			return e.refuse(e.unknownCommand(""))
		}
		cmd, _ = e.Command(m.Key)
	}
	return e.parseOptions("", cmd, rest)
}

// ParseOn reads a command as a platform delivers it by name, with its words as typed: Slack's
// "command" and "text". The name is the one the command has on that platform.
func (e *Engine) ParseOn(platform, name, text string) (Request, error) {
	cmd, ok := e.CommandOn(platform, name)
	if !ok {
		return e.refuse(e.unknownCommand(platform))
	}
	return e.parseOptions(platform, cmd, text)
}

// RequestOn makes a request of a command a platform delivers with its options already named,
// as Discord does.
func (e *Engine) RequestOn(platform, name string, options map[string]string) (Request, error) {
	cmd, ok := e.CommandOn(platform, name)
	if !ok {
		return e.refuse(e.unknownCommand(platform))
	}
	if cmd.Umbrella {
		return e.umbrella(platform, options["command"])
	}
	return e.request(cmd, options), nil
}

// request is a request of cmd, one of e's commands, with all that answering it needs settled.
func (e *Engine) request(cmd Command, options map[string]string) Request {
	return Request{Engine: e, Command: cmd, Options: options, Cacheable: !cmd.Slow && !cmd.Admin && !cmd.Volatile}
}

func (e *Engine) refuse(r Reply) (Request, error) {
	err := &UsageError{Reply: r}
	return Request{Engine: e, Refusal: &err.Reply}, err
}

func (e *Engine) parseOptions(platform string, cmd Command, text string) (Request, error) {
	if cmd.Umbrella {
		return e.umbrella(platform, text)
	}
	req := e.request(cmd, map[string]string{})
	var positional []string
	current := ""
	for _, w := range strings.Fields(text) {
		if k, v, named := strings.Cut(w, ":"); named {
			if cmd.Paged && strings.EqualFold(k, pageOption) {
				// A page is one word: what follows it is the command's again.
				req.Options[pageOption], current = v, ""
				continue
			}
			if o, known := cmd.option(strings.ToLower(k)); known {
				current = o.Name
				req.Options[current] = v
				continue
			}
		}
		if current != "" {
			req.Options[current] = strings.TrimSpace(req.Options[current] + " " + w)
			continue
		}
		positional = append(positional, w)
	}
	if err := e.assignPositional(platform, cmd, &req, positional); err != nil {
		return e.refuse(err.(*UsageError).Reply)
	}
	return req, nil
}

// umbrella reads the line after /briefbot as a command of its own, by its table name or its
// name on the platform. An empty line is a request for help.
func (e *Engine) umbrella(platform, line string) (Request, error) {
	name, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	if name == "" {
		help, _ := e.Command("help")
		return e.request(help, map[string]string{}), nil
	}
	cmd, ok := e.CommandOn(platform, name)
	if !ok {
		if cmd, ok = e.Command(name); !ok {
			m, found := e.names.Resolve(name)
			if !found {
				return e.refuse(e.unknownCommand(platform))
			}
			cmd, _ = e.Command(m.Key)
		}
	}
	if cmd.Umbrella {
		return e.refuse(Usage("Name a command after /"+UmbrellaName, "/"+UmbrellaName+" search tunnels"))
	}
	return e.parseOptions(platform, cmd, rest)
}

// option is c's option of that name; false, and an option of that name alone, when c has none.
func (c Command) option(name string) (Option, bool) {
	for _, o := range c.Options {
		if o.Name == name {
			return o, true
		}
	}
	return Option{Name: name}, false
}

func (e *Engine) assignPositional(platform string, cmd Command, req *Request, words []string) error {
	var room [4]Option // commands have at most three options: no allocation for the list
	open := room[:0]
	for _, o := range cmd.Options {
		if _, named := req.Options[o.Name]; !named {
			open = append(open, o)
		}
	}
	if len(words) == 0 || len(open) == 0 {
		if len(words) > 0 {
			return &UsageError{Reply: Usage("Too many words", e.usageOn(platform, cmd))}
		}
		return nil
	}
	typed, unpeeled := words, open
	// Peel values that can only be one option's off the end, last option first.
	for len(open) > 1 && len(words) > 1 {
		last := open[len(open)-1]
		w := words[len(words)-1]
		if !e.exactly(platform, last, w, req) {
			open = open[:len(open)-1]
			continue
		}
		req.Options[last.Name] = w
		open, words = open[:len(open)-1], words[:len(words)-1]
		if last.Kind == DateOption && len(words) > 1 && strings.EqualFold(words[len(words)-1], "until") {
			words = words[:len(words)-1] // "/digest pause morning until 2027-01-04"
		}
	}
	first := open[0]
	if len(words) == 1 && !first.Required && !e.exactly(platform, first, words[0], req) {
		// "/digest morning", "/briefing other-briefing": a lone word that is exactly a later
		// option's value, and not the first's, is that option's.
		for _, o := range open[1:] {
			if e.exactly(platform, o, words[0], req) {
				req.Options[o.Name] = words[0]
				return nil
			}
		}
	}
	switch first.Kind {
	case ChoiceOption, PartyOption, BriefingOption, DigestOption, CommandOption, DateOption:
		if len(words) > 1 {
			return e.inOrder(platform, cmd, req, typed, unpeeled)
		}
	}
	req.Options[first.Name] = strings.Join(words, " ")
	return nil
}

// inOrder gives the typed words to the open options one by one, as a Slack or shell user types
// them, when they cannot be read by their values: a mistyped digest name in "/digest now
// mornign" is then answered with the closest names, not with the usage. More words than
// options are still too many.
func (e *Engine) inOrder(platform string, cmd Command, req *Request, words []string, open []Option) error {
	if n := len(words); n > 2 && strings.EqualFold(words[n-2], "until") && open[len(open)-1].Kind == DateOption {
		words = append(slices.Clone(words[:n-2]), words[n-1])
	}
	if len(words) > len(open) {
		return &UsageError{Reply: Usage("Too many words", e.usageOn(platform, cmd))}
	}
	for _, o := range open {
		delete(req.Options, o.Name)
	}
	for i, w := range words {
		req.Options[open[i].Name] = w
	}
	return nil
}

// exactly reports whether w names, without guessing, a value of o: a choice, a configured
// digest, a command, a briefing, or a party, issue or section of a briefing the request may be
// about. Free words (a search) never do, since any word may belong to them.
func (e *Engine) exactly(platform string, o Option, w string, req *Request) bool {
	switch o.Kind {
	case ChoiceOption:
		return containsFold(o.Choices, w)
	case DigestOption:
		return e.digests != nil && slices.ContainsFunc(e.digests.Digests(), func(d Digest) bool {
			return strings.EqualFold(d.Name, w)
		})
	case CommandOption:
		if _, ok := e.CommandOn(platform, w); ok {
			return true
		}
		_, ok := e.Command(w)
		return ok
	case BriefingOption:
		return exact(e.lib.Resolver(), w)
	case DateOption:
		_, err := time.Parse(time.DateOnly, w)
		return err == nil
	case PartyOption, IssueOption, SectionOption:
		for _, b := range e.topicBriefings(req) {
			if exact(topicResolver(b, o.Kind), w) {
				return true
			}
		}
	}
	return false
}

func exact(r *briefings.Resolver, w string) bool {
	m, ok := r.Resolve(w)
	return ok && m.Exact()
}

// topicResolver resolves the topics of kind in b.
func topicResolver(b *briefings.Briefing, kind OptionKind) *briefings.Resolver {
	switch kind {
	case IssueOption:
		return b.IssueResolver()
	case SectionOption:
		return b.SectionResolver()
	}
	return b.PartyResolver()
}

// topicBriefings are the briefings whose topics a request may name: the one it names, or else
// every loaded one, since the topic itself decides which briefing answers.
func (e *Engine) topicBriefings(req *Request) []*briefings.Briefing {
	if q := req.Options["briefing"]; q != "" {
		if b, ok := e.lib.Find(q); ok {
			return []*briefings.Briefing{b}
		}
	}
	return e.lib.Briefings()
}

// A Choice is one autocomplete suggestion: a label to show and the value to send back.
type Choice struct {
	Name  string
	Value string
}

// Complete suggests values for option while the user types it, ranked by the same resolver that
// answers the command. req carries the command (its row in e's table; the zero Command suggests
// nothing) and the other options typed so far (the briefing, if chosen).
func (e *Engine) Complete(req Request, option, typed string, limit int) []Choice {
	var kind OptionKind = -1
	for _, o := range req.Command.Options {
		if o.Name == option {
			kind = o.Kind
		}
	}
	b := e.fallback
	if q := req.Option("briefing"); q != "" && option != "briefing" {
		if found, ok := e.lib.Find(q); ok {
			b = found
		}
	}
	if tk, topic := topicKinds[kind]; topic && kind != PartyOption && req.Option("briefing") == "" && len(e.lib.Briefings()) > 1 {
		return e.completeAcross(tk, typed, limit)
	}
	var ms []briefings.Match
	switch kind {
	case IssueOption:
		ms = b.IssueResolver().Rank(typed, limit)
	case SectionOption:
		ms = b.SectionResolver().Rank(typed, limit)
	case BriefingOption:
		ms = e.lib.Resolver().Rank(typed, limit)
	case PartyOption:
		ms = b.PartyResolver().Rank(typed, limit)
	case DigestOption:
		return e.completeDigest(typed, limit)
	case DateOption:
		return e.completeDate(req, typed, limit)
	case CommandOption:
		ms = e.names.Rank(strings.TrimPrefix(typed, "/"), limit)
		out := make([]Choice, 0, len(ms))
		for _, m := range ms {
			if c, ok := e.Command(m.Key); ok {
				out = append(out, Choice{Name: "/" + e.NameOn(req.Caller.Platform, c), Value: c.Name})
			}
		}
		return out
	default:
		return nil
	}
	out := make([]Choice, len(ms))
	for i, m := range ms {
		out[i] = Choice{Name: m.Label, Value: m.Key}
	}
	return out
}

// completeAcross suggests the topics of every loaded briefing before one is chosen, each naming
// its briefing. Another briefing's topic is sent back qualified with its id, so that the answer
// comes from the briefing that was offered even where the default has a topic of that name.
func (e *Engine) completeAcross(kind briefings.TopicKind, typed string, limit int) []Choice {
	found := e.lib.Rank(kind, typed, limit)
	out := make([]Choice, len(found))
	for i, f := range found {
		value := f.Key
		if f.Briefing != e.fallback {
			value = briefings.Qualify(f.Briefing, f.Key)
		}
		out[i] = Choice{Name: f.Label + " (" + f.Briefing.ID + ")", Value: value}
	}
	return out
}

// completeDate suggests the days the named digest runs next (the only digest, when one is
// configured), in its zone, that begin with what was typed: a moderator skips a day the digest
// would post. Without a digest, the days ahead.
func (e *Engine) completeDate(req Request, typed string, limit int) []Choice {
	typed = strings.TrimSpace(typed)
	var d *Digest
	if e.digests != nil {
		all := e.digests.Digests()
		for i := range all {
			if strings.EqualFold(all[i].Name, req.Option("name")) || len(all) == 1 {
				d = &all[i]
			}
		}
	}
	var days []time.Time
	if d != nil && !d.Schedule.IsZero() {
		// One run a day: from each run day, on to the first run of a later day.
		for at := d.Schedule.Next(e.now()); !at.IsZero() && len(days) < 4*limit; {
			day := at.In(d.Schedule.Zone())
			days = append(days, day)
			runs := d.Schedule.RunsFrom(day.AddDate(0, 0, 1), 1)
			if len(runs) == 0 {
				break
			}
			at = runs[0].At
		}
	} else {
		for i := range 4 * limit {
			days = append(days, e.now().AddDate(0, 0, i))
		}
	}
	var out []Choice
	for _, day := range days {
		date := day.Format(time.DateOnly)
		if len(out) < limit && strings.HasPrefix(date, typed) {
			out = append(out, Choice{Name: date + " (" + day.Format("Monday") + ")", Value: date})
		}
	}
	return out
}

// completeDigest suggests configured digests whose name holds what was typed.
func (e *Engine) completeDigest(typed string, limit int) []Choice {
	if e.digests == nil {
		return nil
	}
	typed = strings.ToLower(strings.TrimSpace(typed))
	var out []Choice
	for _, d := range e.digests.Digests() {
		if len(out) < limit && strings.Contains(strings.ToLower(d.Name), typed) {
			out = append(out, Choice{Name: d.Name, Value: d.Name})
		}
	}
	return out
}

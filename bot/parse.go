package bot

import (
	"context"
	"errors"
	"strings"

	"briefbot/briefings"
)

// A UsageError is a command line that cannot be made into a request.
type UsageError struct{ Reply Reply }

func (e *UsageError) Error() string { return e.Reply.Title }

// Parse reads a typed command line, "/position troops mexico" or "position issue:border surv
// party:mx", into a request. Words name options in order; "name:value" names one outright, and the
// words after it belong to it. Trailing words that are exactly a party's or a briefing's name are
// taken as that option, so "/position troops mexico" asks for Mexico's position on troops.
func (e *Engine) Parse(line string) (Request, error) {
	line = strings.TrimSpace(line)
	name, rest, _ := strings.Cut(line, " ")
	cmd, ok := e.Command(name)
	if !ok {
		m, found := e.names.Resolve(name)
		if !found {
			return Request{}, &UsageError{Reply: e.unknownCommand(name)}
		}
		cmd, _ = e.Command(m.Key)
	}
	return e.ParseOptions(cmd, rest)
}

// ParseOptions reads the words after a command's name, as Slack delivers them in "text".
func (e *Engine) ParseOptions(cmd Command, text string) (Request, error) {
	req := Request{Command: cmd.Name, Options: map[string]string{}}
	var positional []string
	current := ""
	for _, w := range strings.Fields(text) {
		if k, v, ok := strings.Cut(w, ":"); ok && hasOption(cmd, strings.ToLower(k)) {
			current = strings.ToLower(k)
			req.Options[current] = v
			continue
		}
		if current != "" {
			req.Options[current] = strings.TrimSpace(req.Options[current] + " " + w)
			continue
		}
		positional = append(positional, w)
	}
	if err := e.assignPositional(cmd, &req, positional); err != nil {
		return Request{}, err
	}
	return req, nil
}

func hasOption(cmd Command, name string) bool {
	for _, o := range cmd.Options {
		if o.Name == name {
			return true
		}
	}
	return false
}

func (e *Engine) assignPositional(cmd Command, req *Request, words []string) error {
	var room [4]Option // commands have at most three options: no allocation for the list
	open := room[:0]
	for _, o := range cmd.Options {
		if _, named := req.Options[o.Name]; !named {
			open = append(open, o)
		}
	}
	if len(words) == 0 || len(open) == 0 {
		if len(words) > 0 {
			return &UsageError{Reply: usageReply(cmd, "Too many words")}
		}
		return nil
	}
	// Peel exact briefing and party names off the end, last option first.
	for len(open) > 1 && len(words) > 1 {
		last := open[len(open)-1]
		w := words[len(words)-1]
		if !e.exactly(last, w, req) {
			open = open[:len(open)-1]
			continue
		}
		req.Options[last.Name] = w
		open, words = open[:len(open)-1], words[:len(words)-1]
	}
	first := open[0]
	switch first.Kind {
	case ChoiceOption, PartyOption, BriefingOption:
		if len(words) > 1 {
			return &UsageError{Reply: usageReply(cmd, "Too many words")}
		}
	}
	req.Options[first.Name] = strings.Join(words, " ")
	return nil
}

// exactly reports whether w names, without guessing, a value of an option that may end a line.
func (e *Engine) exactly(o Option, w string, req *Request) bool {
	var r *briefings.Resolver
	switch o.Kind {
	case BriefingOption:
		r = e.lib.Resolver()
	case PartyOption:
		b := e.fallback
		if q := req.Options["briefing"]; q != "" {
			if found, ok := e.lib.Find(q); ok {
				b = found
			}
		}
		r = b.PartyResolver()
	default:
		return false
	}
	m, ok := r.Resolve(w)
	return ok && m.Exact()
}

func usageReply(cmd Command, title string) Reply {
	return Reply{Status: Invalid, Private: true, Title: title,
		Blocks: []Block{{Kind: Paragraph, Text: "Usage: " + cmd.Usage()}}}
}

// A Choice is one autocomplete suggestion: a label to show and the value to send back.
type Choice struct {
	Name  string
	Value string
}

// Complete suggests values for option while the user types it, ranked by the same resolver that
// answers the command. req carries the other options typed so far (the briefing, if chosen).
func (e *Engine) Complete(req Request, option, typed string, limit int) []Choice {
	cmd, ok := e.Command(req.Command)
	if !ok {
		return nil
	}
	var kind OptionKind = -1
	for _, o := range cmd.Options {
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
	default:
		return nil
	}
	out := make([]Choice, len(ms))
	for i, m := range ms {
		out[i] = Choice{Name: m.Label, Value: m.Key}
	}
	return out
}

// HandleLine parses and answers one typed command line.
func (e *Engine) HandleLine(ctx context.Context, line string, admin bool) Reply {
	req, err := e.Parse(line)
	if err != nil {
		var ue *UsageError
		if errors.As(err, &ue) {
			return ue.Reply
		}
		return Reply{Status: Invalid, Private: true, Title: "Cannot read that command"}
	}
	req.Admin = admin
	return e.Handle(ctx, req)
}

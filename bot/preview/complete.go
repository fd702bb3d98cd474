package preview

import (
	"strings"

	"briefbot/bot"
)

// maxChoices is as many suggestions as Discord shows for an option.
const maxChoices = 25

// completions suggests whole command lines for what is typed in the command box: command names
// first, then the values of the option being typed, ranked by engine.Complete as Discord's
// autocomplete ranks them. An option is being typed after "name:", or, without names, in order;
// a last word may also be the party or briefing that ends a line ("/position troops mex").
func completions(e *bot.Engine, line string, limit int) []string {
	line = strings.TrimLeft(line, " ")
	name, rest, spaced := strings.Cut(line, " ")
	if !spaced {
		typed := strings.ToLower(strings.TrimPrefix(name, "/"))
		var out []string
		for _, c := range e.Commands() {
			if strings.HasPrefix(c.Name, typed) && len(out) < limit {
				out = append(out, "/"+c.Name+" ")
			}
		}
		return out
	}
	cmd, ok := commandNamed(e, name)
	if !ok || len(cmd.Options) == 0 {
		return nil
	}
	if cmd.Umbrella {
		var out []string
		for _, c := range completions(e, "/"+rest, limit) {
			out = append(out, strings.TrimSuffix(line, rest)+strings.TrimPrefix(c, "/"))
		}
		return out
	}
	head := line[:len(line)-len(rest)]
	// The last "name:" typed is the option being typed, the words after it its value; without
	// one, the words are the first option's.
	option, typed, at := cmd.Options[0], rest, -1
	named := map[string]string{}
	for _, o := range cmd.Options {
		i := namedAt(rest, o.Name)
		if i < 0 {
			continue
		}
		named[o.Name], _, _ = strings.Cut(rest[i+len(o.Name)+1:], " ")
		if i > at {
			option, typed, at = o, rest[i+len(o.Name)+1:], i
		}
	}
	if at >= 0 {
		head += rest[:at+len(option.Name)+1]
		delete(named, option.Name)
	}
	out := choose(e, cmd, named, option, typed, head, limit)
	// "/position troops mex": the last word may start the option that ends the line.
	if words := strings.Fields(typed); len(words) > 1 && !strings.HasSuffix(typed, " ") {
		last := words[len(words)-1]
		before := strings.TrimSuffix(head+typed, last)
		for _, o := range cmd.Options[1:] {
			if o.Kind == bot.PartyOption || o.Kind == bot.BriefingOption {
				out = append(out, choose(e, cmd, named, o, last, before, limit-len(out))...)
			}
		}
	}
	return out
}

// choose lists head followed by each value option may take, ranked against typed.
func choose(e *bot.Engine, cmd bot.Command, named map[string]string, o bot.Option, typed, head string, limit int) []string {
	if limit <= 0 {
		return nil
	}
	var values []string
	if o.Kind == bot.ChoiceOption {
		for _, c := range o.Choices {
			if strings.HasPrefix(c, strings.ToLower(strings.TrimSpace(typed))) {
				values = append(values, c)
			}
		}
	} else {
		req := bot.Request{Command: cmd, Options: named, Caller: bot.Caller{Platform: "discord"}}
		for _, c := range e.Complete(req, o.Name, strings.TrimSpace(typed), limit) {
			values = append(values, c.Value)
		}
	}
	var out []string
	for _, v := range values {
		if len(out) < limit {
			out = append(out, head+v)
		}
	}
	return out
}

// commandNamed finds a command by its name in the table or on Slack, as the box accepts both.
func commandNamed(e *bot.Engine, name string) (bot.Command, bool) {
	if c, ok := e.Command(name); ok {
		return c, true
	}
	return e.CommandOn("slack", name)
}

// namedAt is where "name:" last starts a word in s, or -1.
func namedAt(s, name string) int {
	for end := len(s); ; {
		i := strings.LastIndex(s[:end], name+":")
		if i <= 0 || s[i-1] == ' ' {
			return i
		}
		end = i
	}
}

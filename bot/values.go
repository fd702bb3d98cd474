package bot

import (
	"strings"
	"time"

	"briefbot/briefings"
)

// notFound is the short private answer to a topic that matched nothing, naming the closest ones.
func notFound(what, typed string, closest []briefings.Match) Reply {
	var names []string
	for _, m := range closest {
		names = append(names, m.Label)
	}
	return noneMatches(what, typed, names)
}

// noneMatches is notFound with the suggestions named as the asker would type them.
func noneMatches(what, typed string, suggestions []string) Reply {
	r := Reply{Status: NotFound, Private: true, Title: "No " + what + " matches " + quote(typed),
		Suggestions: suggestions}
	if len(suggestions) > 0 {
		r.Blocks = []Block{{Kind: Paragraph, Text: "Closest: " + strings.Join(suggestions, ", ") + "."}}
	}
	return r
}

// closestNames is how many near values an answer to an unknown one names.
const closestNames = 3

// unknownValue checks the options whose values the engine knows whatever briefing is asked
// about: a choice, a configured digest and a date's form. It answers one that names none of them with the
// closest, as every topic is answered; nil when every such value is known. The briefing's own
// topics (issue, party, section) are resolved by the handlers, against the briefing the request
// names, and /help resolves its command itself, with names as typed on the asker's platform.
func (e *Engine) unknownValue(req Request) *Reply {
	for _, o := range req.Command.Options {
		q := req.Option(o.Name)
		if q == "" {
			continue
		}
		var what string
		var valid []string
		switch o.Kind {
		case ChoiceOption:
			what, valid = o.Name, o.Choices
		case DateOption:
			if _, err := time.Parse(time.DateOnly, q); err != nil {
				return &Reply{Status: Invalid, Private: true, Title: quote(q) + " is not a date",
					Blocks: []Block{{Kind: Paragraph, Text: "Write the day as year-month-day: 2026-12-25."}}}
			}
			continue
		case DigestOption:
			if e.digests == nil {
				continue // no digest configured: the command says so itself
			}
			what = "digest"
			for _, d := range e.digests.Digests() {
				valid = append(valid, d.Name)
			}
		default:
			continue
		}
		if len(valid) == 0 || containsFold(valid, q) {
			continue
		}
		r := notFound(what, q, closestOf(valid, q))
		return &r
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// closestOf ranks a short list of names by the resolver that ranks topics, so a mistyped choice
// or digest is answered in the same way as a mistyped issue.
func closestOf(names []string, typed string) []briefings.Match {
	r := briefings.NewResolver()
	for _, n := range names {
		_ = r.Add(n, n) // a name that clashes with another, or has no letters, is not worth suggesting
	}
	return r.Closest(typed, closestNames)
}

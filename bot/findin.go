package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"

	"briefbot/briefings"
)

// FindLabel is what platforms call the action on a message that answers it from the
// briefings: Discord's message command and Slack's message shortcut.
const FindLabel = "Find in briefing"

// Bounds on reading a message: maxFindText is how much of it is read, a pasted report costing
// what a long question does; maxNameWords is the longest run of words taken for a topic's
// name ("counter narcotics operations"); findHits keeps the passages to one message's worth
// under the positions.
const (
	maxFindText  = 2000
	maxNameWords = 4
	findHits     = 5
)

// findCommand answers a message someone pointed at. It is no row of the table: nobody types
// it, /help does not list it, and no line asks for it again (a button, a Share). Its requests
// still go through the chain, which logs, counts and recovers them as any.
var findCommand = Command{Name: "find", Description: "The positions and passages a message is about", message: true,
	handle: (*Engine).findIn}

// FindRequest is the request that answers message text from the briefings, privately: the
// positions on the issue it names, then the passages that match its words. The adapter sets
// its Caller and Room, as for a command.
func (e *Engine) FindRequest(text string) Request {
	return Request{Engine: e, Command: findCommand, Options: map[string]string{"text": text}}
}

// A messageWord is one word of a message as written, and whether it says anything alone.
type messageWord struct {
	text   string
	folded string
	stop   bool
}

func (e *Engine) findIn(ctx context.Context, req Request) Reply {
	text := strings.TrimSpace(plainText.Measure.Prefix(req.Options["text"], maxFindText))
	words := messageWords(text)
	if len(words) == 0 {
		return Reply{Status: NotFound, Private: true, Title: "That message has no words to find",
			Blocks: []Block{{Kind: Paragraph, Text: "Only a message's text is read, not its attachments or embeds."}}}
	}
	r := Reply{Private: true, Title: "In the briefings: " + quote(text)}
	var from []*briefings.Briefing
	var head []Block
	if pos, b, ok := e.positionNamed(ctx, req, words); ok {
		head = append(head, Block{Kind: Heading, Text: pos.Title})
		for _, f := range pos.Fields {
			head = append(head, Block{Kind: Item, Label: f.Name, Text: f.Value})
		}
		r.Actions = pos.Actions
		from = append(from, b)
	}
	res, kept := e.passagesFor(words)
	if len(from) == 1 {
		// A row of the positions table says again what the positions above say.
		before := len(res.Hits)
		res.Hits = slices.DeleteFunc(res.Hits, func(h briefings.Hit) bool {
			return h.Briefing == from[0] && h.SectionSlug == "positions"
		})
		res.Total -= before - len(res.Hits)
	}
	var hits []Block
	if len(res.Hits) > 0 {
		hits = hitBlocks(res.Hits, len(e.lib.Briefings()) > 1)
		for _, h := range res.Hits {
			if !slices.Contains(from, h.Briefing) {
				from = append(from, h.Briefing)
			}
		}
	}
	if len(head) == 0 && len(hits) == 0 {
		return Reply{Status: NotFound, Private: true, Title: "Nothing in the briefings matches that message",
			Blocks: []Block{{Kind: Paragraph, Text: "Try /search with a few of its words, or /help for what is loaded."}}}
	}
	search, _ := e.Command("search")
	more := func(n int) Block {
		return Block{Kind: Paragraph, Text: strconv.Itoa(n) + " more " + plural(n, "passage matches", "passages match") +
			": /" + e.NameOn(req.Caller.Platform, search) + " " + strings.Join(kept, " ")}
	}
	if len(hits) > 0 {
		heading := Block{Kind: Heading, Text: "Passages"}
		// Only what one message holds is shown: the positions, then as many passages as fit,
		// then how many more there are and the search that lists them all.
		room := roomAfter(req.Room, append(slices.Clone(head), heading, more(res.Total)))
		shown := paginate(hits, room, 0)[0]
		r.Blocks = append(append(head, heading), shown...)
		if n := res.Total - len(shown); n > 0 {
			r.Blocks = append(r.Blocks, more(n))
			r.Actions = append(r.Actions, Action{Label: "All passages", Command: "/search words:" + strings.Join(kept, " ")})
		}
	} else {
		r.Blocks = head
	}
	if len(from) == 1 {
		r = sourced(r, from[0])
	}
	return r
}

// messageWords are the words of text as written: letters and digits, with the dots and
// apostrophes inside them ("U.S.", "Mexico's"). A word is a stop word when it says nothing alone
// ("the", "what"), unless it is written in capitals: "US" is a party, "us" is not.
func messageWords(text string) []messageWord {
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' && r != '\'' && r != '’'
	})
	words := make([]messageWord, 0, len(fields))
	for _, f := range fields {
		w := strings.Trim(f, ".'’")
		if w == "" {
			continue
		}
		folded := strings.ToLower(w)
		capitals := len([]rune(w)) > 1 && strings.ToUpper(w) == w && strings.ToLower(w) != w
		words = append(words, messageWord{text: w, folded: folded, stop: !capitals && english.IsStopWord(folded)})
	}
	return words
}

// runs calls fn with each run of up to maxNameWords words that neither begins nor ends with a
// stop word, the longest first, in the message's order within a length: a topic's name is
// looked for in the fewest, most specific words that make it.
func runs(words []messageWord, fn func(phrase string) bool) {
	for n := min(maxNameWords, len(words)); n >= 1; n-- {
		for i := 0; i+n <= len(words); i++ {
			if words[i].stop || words[i+n-1].stop {
				continue
			}
			parts := make([]string, n)
			for j, w := range words[i : i+n] {
				parts[j] = w.text
			}
			if !fn(strings.Join(parts, " ")) {
				return
			}
		}
	}
}

// minGuess is the shortest run taken for a forgiving guess at an issue: shorter words begin too
// many names to mean one.
const minGuess = 4

// positionNamed is /position's answer for the issue the words name, in the briefing that has it:
// by a name exactly where one is, else by the best forgiving guess (as /position reads
// "sovreignty" or "intel"). One party named exactly narrows it to that party's position.
func (e *Engine) positionNamed(ctx context.Context, req Request, words []messageWord) (Reply, *briefings.Briefing, bool) {
	var exact, guess briefings.Found
	var room [4]briefings.Found
	runs(words, func(phrase string) bool {
		found := e.lib.Locate(briefings.IssueTopic, phrase, room[:0])
		if len(found) == 0 {
			return true
		}
		f := found[0]
		for _, candidate := range found {
			if candidate.Briefing == e.fallback {
				f = candidate
			}
		}
		switch {
		case f.Exact():
			exact = f
			return false
		case len([]rune(phrase)) >= minGuess && f.Score > guess.Score:
			guess = f
		}
		return true
	})
	found := exact
	if found.Briefing == nil {
		found = guess
	}
	if found.Briefing == nil {
		return Reply{}, nil, false
	}
	b := found.Briefing
	var parties []string
	runs(words, func(phrase string) bool {
		if m, ok := b.PartyResolver().Resolve(phrase); ok && m.Exact() && !slices.Contains(parties, m.Key) {
			parties = append(parties, m.Key)
		}
		return true
	})
	position, _ := e.Command("position")
	options := map[string]string{"issue": found.Key, "briefing": b.ID}
	if len(parties) == 1 {
		options["party"] = parties[0]
	}
	pos := e.position(ctx, Request{Engine: e, Command: position, Options: options, Caller: req.Caller})
	return pos, b, pos.Status == Answered
}

// passagesFor searches for the words that say something, as /search would: a passage must
// hold every word searched for, and a message has words no passage holds together ("say").
// So the words are taken rarest first, each kept while some passage still holds all those
// kept: the passages that match the most specific part of the message. Words that occur
// nowhere are left out. kept are the words searched for, as /search takes them.
func (e *Engine) passagesFor(words []messageWord) (res briefings.SearchResult, kept []string) {
	type counted struct {
		word  string
		total int
	}
	var candidates []counted
	for _, w := range words {
		if w.stop || slices.ContainsFunc(candidates, func(c counted) bool { return c.word == w.folded }) {
			continue
		}
		if len(candidates) == maxSearchWords {
			break
		}
		if probe := e.lib.Query(w.folded, 1); probe.Total > 0 && foundAsWritten(probe.Hits[0], w.folded) {
			candidates = append(candidates, counted{w.folded, probe.Total})
		}
	}
	slices.SortStableFunc(candidates, func(a, b counted) int { return a.total - b.total })
	for _, c := range candidates {
		try := e.lib.Query(strings.Join(append(slices.Clone(kept), c.word), " "), findHits)
		if try.Total > 0 {
			res, kept = try, append(kept, c.word)
		}
	}
	return res, kept
}

// foundAsWritten reports whether a hit for word holds it as written, in another form or by its
// beginning ("tunnel", "intelligence"), rather than as a guess at a typo: a message is not
// typed as a search, and its "noon" is not the briefing's "non".
func foundAsWritten(h briefings.Hit, word string) bool {
	begins := plainText.Measure.Prefix(word, sameBeginning)
	for _, m := range h.Matches {
		if m.Start >= 0 && m.End <= len(h.Text) && strings.HasPrefix(strings.ToLower(h.Text[m.Start:m.End]), begins) {
			return true
		}
	}
	return false
}

// sameBeginning is how many letters a word and what it found share at the start when found in
// another form: "policies" and "policy", not "noon" and "non".
const sameBeginning = 4

// maxSearchWords is as many words as a search reads; the rest of a long message is not
// searched for.
const maxSearchWords = 16

package briefings

import (
	"strings"

	"github.com/kljensen/snowball/english"
)

// Bounds on a query, so that a pasted page costs what a sentence does.
const (
	maxQueryBytes = 512
	maxTerms      = 16
	minPrefix     = 3 // shorter beginnings match too much to mean anything
)

// A term is one thing a passage must hold: a word, or a quoted phrase.
type term struct {
	raw    string   // as shown back in Unmatched
	words  []string // folded; several for a phrase
	phrase bool
}

// parseQuery splits a query into words and "quoted phrases". Words that say nothing alone ("the",
// "of") are dropped unless the query has nothing else.
func parseQuery(q string) []term {
	if len(q) > maxQueryBytes {
		q = q[:maxQueryBytes]
	}
	var terms, stop []term
	seen := map[string]bool{}
	add := func(t term, isStop bool) {
		key := strings.Join(t.words, " ")
		if t.phrase {
			key = "\"" + key
		}
		if seen[key] || len(t.words) == 0 {
			return
		}
		seen[key] = true
		if isStop {
			stop = append(stop, t)
		} else {
			terms = append(terms, t)
		}
	}
	for q != "" {
		i := strings.IndexAny(q, "\"“”")
		bare := q
		if i >= 0 {
			bare = q[:i]
		}
		scan(bare, func(start, end int, b []byte) {
			folded := string(b)
			initialed := strings.Contains(bare[start:end], ".")
			add(term{raw: folded, words: []string{folded}}, !initialed && english.IsStopWord(folded))
		})
		if i < 0 {
			break
		}
		rest := strings.TrimLeft(q[i:], "\"“”")
		j := strings.IndexAny(rest, "\"“”")
		inside := rest
		q = ""
		if j >= 0 {
			inside, q = rest[:j], strings.TrimLeft(rest[j:], "\"“”")
		}
		t := term{phrase: true}
		scan(inside, func(_, _ int, folded []byte) { t.words = append(t.words, string(folded)) })
		t.raw = "\"" + strings.TrimSpace(inside) + "\""
		add(t, false)
	}
	if len(terms) == 0 {
		terms = stop
	}
	if len(terms) > maxTerms {
		terms = terms[:maxTerms]
	}
	return terms
}

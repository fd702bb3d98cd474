package briefings

import (
	"briefbot/internal/fuzzy"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// A Resolver turns what a user typed into one of a known set of things (issues, sections, parties,
// briefings): any case, a name, a slug or an alias, a prefix, the prefix of a word, or a small typo.
// Ranking is deterministic: by how well a name matches, then by the order entries were added.
// The same ranking feeds answers, suggestions and autocomplete.
type Resolver struct {
	entries []resolverEntry
	owner   map[string]int // normalized name -> entry index
}

type resolverEntry struct {
	key   string
	label string
	names []string // normalized
	words []string // the stems of the words of its names, stop words left out, for Closest
}

// A Match is one entry and how well it matched; a higher Score is better.
type Match struct {
	Key   string
	Label string
	Score int
}

// Exact reports whether the match was a name itself, not a guess.
func (m Match) Exact() bool { return m.Score >= scoreExact }

// Scores, by kind of match. Every kind below scoreExact is a guess; two guesses that tie are
// ambiguous and resolve to nothing.
const (
	scoreExact      = 1000
	scorePrefix     = 800
	scoreWordPrefix = 600
	scoreTypo       = 400
	scoreTypoPrefix = 200
)

// NewResolver returns an empty resolver.
func NewResolver() *Resolver { return &Resolver{owner: map[string]int{}} }

// Add registers an entry under its key, a label to show, and more names it answers to. It refuses
// a name that normalizes to nothing or that another entry already answers to.
func (r *Resolver) Add(key, label string, names ...string) error {
	e := resolverEntry{key: key, label: label}
	// Every name is checked before any is registered: a refused entry leaves no name behind
	// pointing past the entries.
	for _, raw := range append([]string{key, label}, names...) {
		n := Normalize(raw)
		if n == "" {
			return fmt.Errorf("%q has no letters or digits", raw)
		}
		if owner, ok := r.owner[n]; ok {
			return fmt.Errorf("%q is already a name of %q", raw, r.entries[owner].label)
		}
		if !slices.Contains(e.names, n) { // the key and the label often normalize alike
			e.names = append(e.names, n)
		}
	}
	for _, n := range e.names {
		r.owner[n] = len(r.entries)
		e.words = appendStems(e.words, n, -1)
	}
	r.entries = append(r.entries, e)
	return nil
}

// addName gives an existing entry one more name.
func (r *Resolver) addName(key, raw string) error {
	n := Normalize(raw)
	if n == "" {
		return fmt.Errorf("%q has no letters or digits", raw)
	}
	idx := -1
	for i, e := range r.entries {
		if e.key == key {
			idx = i
		}
	}
	if owner, ok := r.owner[n]; ok {
		if owner == idx {
			return fmt.Errorf("%q is listed twice", raw)
		}
		return fmt.Errorf("%q is already a name of %q", raw, r.entries[owner].label)
	}
	r.owner[n] = idx
	r.entries[idx].names = append(r.entries[idx].names, n)
	r.entries[idx].words = appendStems(r.entries[idx].words, n, -1)
	return nil
}

// Len is the number of entries.
func (r *Resolver) Len() int { return len(r.entries) }

// Resolve returns the best match for query, or false when nothing matches well enough or the
// best guesses tie.
func (r *Resolver) Resolve(query string) (Match, bool) {
	q := Normalize(query)
	if q == "" {
		return Match{}, false
	}
	if idx, ok := r.owner[q]; ok {
		e := r.entries[idx]
		return Match{Key: e.key, Label: e.label, Score: scoreExact}, true
	}
	best, second := Match{}, 0
	for _, e := range r.entries {
		s := score(q, e.names)
		if s > best.Score {
			best, second = Match{Key: e.key, Label: e.label, Score: s}, best.Score
		} else if s > second {
			second = s
		}
	}
	if best.Score <= 0 || guessClass(best.Score) == guessClass(second) {
		return Match{}, false
	}
	return best, true
}

// guessClass groups scores that are equally good guesses. Two prefixes are equally plausible
// whatever their length ("trade p" fits "Trade Policy" and "Trade Pacts" alike); two typos are
// not, the one with fewer edits wins.
func guessClass(score int) int {
	switch {
	case score > scorePrefix-100 && score <= scorePrefix:
		return scorePrefix
	case score > scoreWordPrefix-100 && score <= scoreWordPrefix:
		return scoreWordPrefix
	}
	return score
}

// Rank returns up to limit entries that match query, best first. An empty query lists every entry
// in the order it was added, as autocomplete shows before anything is typed.
func (r *Resolver) Rank(query string, limit int) []Match {
	q := Normalize(query)
	var ms []Match
	for _, e := range r.entries {
		s := scoreExact
		if q != "" {
			s = score(q, e.names)
		}
		if s > 0 {
			ms = append(ms, Match{Key: e.key, Label: e.label, Score: s})
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Score > ms[j].Score })
	if len(ms) > limit {
		ms = ms[:limit]
	}
	return ms
}

// Closest returns the n entries nearest to query, for "did you mean" answers to queries that
// resolve to nothing: the guesses Rank makes, if any; else every entry, those that share a word
// with query first (by stem, so "steps" shares "step"; words like "the" and "what" share nothing
// alone), the more words the better, then by spelling. Their scores are below zero, under every
// guess of Rank, so that suggestions from several resolvers merge in this order.
func (r *Resolver) Closest(query string, n int) []Match {
	if ms := r.Rank(query, n); len(ms) > 0 {
		return ms
	}
	q := Normalize(query)
	var stack [maxClosestWords]string
	words := appendStems(stack[:0], q, len(stack))
	ms := make([]Match, len(r.entries))
	for i, e := range r.entries {
		d := 1 << 30
		for _, name := range e.names {
			d = min(d, fuzzy.Distance(q, name))
		}
		shared := 0
		for _, w := range words {
			if slices.Contains(e.words, w) {
				shared++
			}
		}
		ms[i] = Match{Key: e.key, Label: e.label, Score: closestScore(shared, d)}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Score > ms[j].Score })
	return ms[:min(n, len(ms))]
}

// Closest's scores: one more shared word outweighs any spelling distance. A name sharing no word
// scores -scoreNoWordShared less its edits; each shared word adds scoreWordShared. Only the
// first maxClosestWords words of a query are compared.
const (
	maxClosestWords   = 8
	scoreWordShared   = 1000
	scoreNoWordShared = scoreWordShared * (maxClosestWords + 1)
)

func closestScore(shared, edits int) int {
	return -scoreNoWordShared + scoreWordShared*min(shared, maxClosestWords) - min(edits, scoreWordShared-1)
}

// appendStems adds to stems those of the words of a normalized name that it lacks, leaving out
// the words that say nothing alone ("the", "of", "what"), and stopping at limit stems when limit
// is not negative: a pasted paragraph is no topic.
func appendStems(stems []string, normalized string, limit int) []string {
	for word := range strings.SplitSeq(normalized, "-") {
		if len(stems) == limit {
			break
		}
		if word == "" || english.IsStopWord(word) {
			continue
		}
		if st := stem(word); !slices.Contains(stems, st) {
			stems = append(stems, st)
		}
	}
	return stems
}

func score(q string, names []string) int {
	best := 0
	for _, name := range names {
		best = max(best, scoreName(q, name))
	}
	return best
}

// scoreName rates one normalized name against a normalized query. Within a kind, a closer fit
// (fewer letters left over, fewer edits) scores higher.
func scoreName(q, name string) int {
	switch {
	case q == name:
		return scoreExact
	case strings.HasPrefix(name, q):
		return scorePrefix - min(len(name)-len(q), 99)
	}
	for i := strings.IndexByte(name, '-'); i >= 0; {
		rest := name[i+1:]
		if strings.HasPrefix(rest, q) {
			return scoreWordPrefix - min(len(rest)-len(q), 99)
		}
		j := strings.IndexByte(rest, '-')
		if j < 0 {
			break
		}
		i += j + 1
	}
	allowed := typoBudget(q)
	if allowed == 0 {
		return 0
	}
	if d := fuzzy.Distance(q, name); d <= allowed {
		return scoreTypo - 10*d
	}
	if len(name) > len(q) {
		if d := fuzzy.Distance(q, name[:len(q)]); d <= allowed {
			return scoreTypoPrefix - 10*d
		}
	}
	return 0
}

// maxTypoQuery bounds the queries searched for typos: edit distance costs length times length,
// and nobody mistypes a topic of a hundred letters.
const maxTypoQuery = 64

// typoBudget is how many edits a query of this length may carry and still be recognized: short
// words are too easy to turn into other words.
func typoBudget(q string) int {
	switch n := utf8.RuneCountInString(q); {
	case n < 4 || n > maxTypoQuery:
		return 0
	case n < 8:
		return 1
	default:
		return 2
	}
}

// Normalize folds a name for matching: lower case, dots and apostrophes dropped (so "U.S." is
// "us"), every other run of non-letters a single hyphen ("Border Surveillance" is
// "border-surveillance").
func Normalize(s string) string {
	if isNormal(s) {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s))
	pendingHyphen := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if pendingHyphen && sb.Len() > 0 {
				sb.WriteByte('-')
			}
			pendingHyphen = false
			sb.WriteRune(unicode.ToLower(r))
		case r == '.' || r == '\'' || r == '’':
		default:
			pendingHyphen = true
		}
	}
	return sb.String()
}

// isNormal reports whether s is already what Normalize makes of it, as most typed topics and
// every stored name are; answering them then allocates nothing.
func isNormal(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		isWord := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !isWord && (c != '-' || i == 0 || i == len(s)-1 || s[i-1] == '-') {
			return false
		}
	}
	return s != ""
}

// Slug is the address of a heading or an issue name: "Military Troop Deployment" is
// "military-troop-deployment".
func Slug(s string) string { return Normalize(s) }

package briefings

import (
	"math/bits"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// Search weights: a word in a section's title says more about a passage than a word in its text,
// and the positions table is what the briefing is about.
const (
	titleBoost = 2.0
	rowBoost   = 1.5
)

// An index finds passages by their words across a library: every block of every section is one
// passage. It is built once, when the library is, and only read afterwards.
type index struct {
	passages []passage
	sections []indexedSection
	words    []word           // the vocabulary
	byText   map[string]int32 // folded word -> its place in words
	byStem   map[string][]int32
	// stemmed holds, for stems of several words, their postings merged: what a search for
	// any of them reads.
	stemmed map[string][]posting
	norm    []float32 // per passage: BM25's length normalization, k1 included
	sorted  []int32   // words in lexical order, for prefixes
	byLen   [][]int32 // words by length in bytes, for typos
	avgLen  float64
	// holders[holderStart[p]:holderStart[p+1]] are the passages that say all passage p says,
	// with more context, best first (repeats.go).
	holders     []int32
	holderStart []int32
	repeated    passageSet // the passages that hold another or are held, apart for speed
	foldScratch sync.Pool  // of *foldScratch, for rank
}

type word struct {
	text     string // folded: lower case, plain quotes and letters
	shown    string // as first written, for suggestions
	stem     string
	mask     uint32 // the letters a-z it holds, to rule typos out cheaply
	number   bool
	postings []posting // in passage order
}

// A posting is one passage a word occurs in, with its weighted count there.
type posting struct {
	passage int32
	tf      float32
}

type passage struct {
	section int32 // into index.sections
	text    string
	tokens  []token
	row     bool // of the positions table
}

type indexedSection struct {
	briefing *Briefing
	slug     string
	title    string
	tokens   []token
}

// A token is one occurrence of a word: byte offsets into its text.
type token struct {
	start, end int32
	word       int32
}

func buildIndex(bs []*Briefing) *index {
	ix := &index{byText: map[string]int32{}, byStem: map[string][]int32{}}
	var tf []float32 // per word, in the passage at hand
	var touched []int32
	var labelEnds []int32 // per passage, where its text begins after "label: "
	total := 0
	for _, b := range bs {
		for _, s := range b.Sections {
			sec := int32(len(ix.sections))
			ix.sections = append(ix.sections, indexedSection{briefing: b, slug: s.Slug, title: s.Title,
				tokens: ix.tokenize(s.Title)})
			for _, blk := range s.Blocks {
				text, labelEnd := blk.Text, 0
				if blk.Label != "" {
					text = blk.Label + ": " + text
					labelEnd = len(blk.Label) + len(": ")
				}
				toks := ix.tokenize(text)
				if len(toks) == 0 {
					continue
				}
				id := int32(len(ix.passages))
				labelEnds = append(labelEnds, int32(labelEnd))
				ix.passages = append(ix.passages, passage{section: sec, text: text, tokens: toks, row: blk.Kind == Row})
				total += len(toks)
				boost := float32(1)
				if blk.Kind == Row {
					boost = rowBoost
				}
				for len(tf) < len(ix.words) {
					tf = append(tf, 0)
				}
				touched = touched[:0]
				count := func(w int32, weight float32) {
					if tf[w] == 0 {
						touched = append(touched, w)
					}
					tf[w] += weight
				}
				for _, t := range toks {
					count(t.word, boost)
				}
				for _, t := range ix.sections[sec].tokens {
					count(t.word, titleBoost)
				}
				for _, w := range touched {
					ix.words[w].postings = append(ix.words[w].postings, posting{passage: id, tf: tf[w]})
					tf[w] = 0
				}
			}
		}
	}
	if len(ix.passages) > 0 {
		ix.avgLen = float64(total) / float64(len(ix.passages))
	}
	ix.norm = make([]float32, len(ix.passages))
	for i, p := range ix.passages {
		ix.norm[i] = float32(bm25K1 * (1 - bm25B + bm25B*float64(len(p.tokens))/ix.avgLen))
	}
	ix.stemmed = map[string][]posting{}
	for st, ids := range ix.byStem {
		if len(ids) > 1 {
			var list []posting
			for _, id := range ids {
				list = mergePostings(list, ix.words[id].postings, 1)
			}
			ix.stemmed[st] = list
		}
	}
	ix.sorted = make([]int32, len(ix.words))
	for i := range ix.words {
		ix.sorted[i] = int32(i)
		n := len(ix.words[i].text)
		for len(ix.byLen) <= n {
			ix.byLen = append(ix.byLen, nil)
		}
		ix.byLen[n] = append(ix.byLen[n], int32(i))
	}
	sort.Slice(ix.sorted, func(i, j int) bool { return ix.words[ix.sorted[i]].text < ix.words[ix.sorted[j]].text })
	ix.findRepeats(labelEnds)
	return ix
}

// tokenize splits text into words, adding new ones to the vocabulary.
func (ix *index) tokenize(text string) []token {
	var toks []token
	scan(text, func(start, end int, b []byte) {
		id, ok := ix.byText[string(b)]
		if !ok {
			folded := string(b)
			id = int32(len(ix.words))
			w := word{text: folded, shown: shownForm(text[start:end]), stem: stem(folded),
				mask: letterMask(folded), number: isNumber(folded)}
			ix.words = append(ix.words, w)
			ix.byText[folded] = id
			ix.byStem[w.stem] = append(ix.byStem[w.stem], id)
		}
		toks = append(toks, token{start: int32(start), end: int32(end), word: id})
	})
	return toks
}

func stem(folded string) string {
	if isNumber(folded) {
		return folded
	}
	return english.Stem(folded, false)
}

// shownForm is how a word is offered back in suggestions: acronyms keep their capitals ("DEA",
// "U.S."), other words are lower case.
func shownForm(s string) string {
	upper := 0
	for _, r := range s {
		if unicode.IsUpper(r) {
			upper++
		}
	}
	if upper >= 2 {
		return s
	}
	return strings.ToLower(s)
}

func letterMask(s string) uint32 {
	var m uint32
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			m |= 1 << (c - 'a')
		}
	}
	return m
}

// maskApart is a lower bound on the edits between two words: each edit brings in or takes out at
// most one letter.
func maskApart(a, b uint32) int {
	return max(bits.OnesCount32(a&^b), bits.OnesCount32(b&^a))
}

func isNumber(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// scan calls emit for each word of s with its byte range and folded form, which emit must copy
// to keep. A word is a run of
// letters and digits; an apostrophe between letters stays in it ("mexico's"), a comma or point
// between digits too ("70,000" is "70000"), and dotted initials are one word ("U.S." is "us").
func scan(s string, emit func(start, end int, folded []byte)) {
	var buf []byte
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		start := i
		buf = buf[:0]
		if end, ok := initials(s, i, &buf); ok {
			emit(start, end, buf)
			i = end
			continue
		}
		prev := rune(0)
		for i < len(s) {
			r, n = utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				buf = appendFolded(buf, r)
				prev, i = r, i+n
				continue
			}
			next, _ := utf8.DecodeRuneInString(s[i+n:])
			if (r == '\'' || r == '’') && unicode.IsLetter(prev) && unicode.IsLetter(next) {
				buf = append(buf, '\'')
				prev, i = r, i+n
				continue
			}
			if (r == ',' || r == '.') && isDigit(prev) && isDigit(next) {
				if r == '.' {
					buf = append(buf, '.')
				}
				i += n
				continue
			}
			break
		}
		emit(start, i, buf)
	}
}

// initials reads dotted initials at i ("U.S.", "e.g.", "U.S"): two or more single letters, each
// followed by a point but the last. It returns where they end.
func initials(s string, i int, buf *[]byte) (int, bool) {
	letters := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			break
		}
		if i+n < len(s) && s[i+n] == '.' {
			*buf = appendFolded(*buf, r)
			letters++
			i += n + 1
			continue
		}
		if after, _ := utf8.DecodeRuneInString(s[i+n:]); letters > 0 && !isWordRune(after) {
			*buf = appendFolded(*buf, r)
			letters++
			i += n
		}
		break
	}
	if letters < 2 {
		*buf = (*buf)[:0]
		return 0, false
	}
	return i, true
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// appendFolded adds r to a word as search compares it: lower case, and the accented Latin letters
// as their plain ones, so that "México" finds "Mexico".
func appendFolded(buf []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(buf, byte(r))
	}
	r = unicode.ToLower(r)
	if p, ok := plainLetter[r]; ok {
		return append(buf, p)
	}
	return utf8.AppendRune(buf, r)
}

var plainLetter = func() map[rune]byte {
	m := map[rune]byte{}
	for plain, accented := range map[byte]string{
		'a': "àáâãäåā", 'c': "çćč", 'e': "èéêëēė", 'i': "ìíîïī", 'n': "ñń",
		'o': "òóôõöøō", 'u': "ùúûüū", 'y': "ýÿ", 's': "šś", 'z': "žźż",
	} {
		for _, r := range accented {
			m[r] = plain
		}
	}
	return m
}()

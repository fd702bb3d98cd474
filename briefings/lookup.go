package briefings

import (
	"briefbot/internal/fuzzy"
	"slices"
	"sort"
	"strings"

	"github.com/kljensen/snowball/english"
)

// find looks a term up: a phrase word for word; a word by its stem, else as the beginning of
// words, else with a small typo.
func (ix *index) find(t term) match {
	if t.phrase {
		return ix.findPhrase(t.words)
	}
	w := t.words[0]
	st := stem(w)
	if ids := ix.byStem[st]; len(ids) > 0 {
		if list, ok := ix.stemmed[st]; ok {
			return match{list: list, weight: 1, words: ids}
		}
		return ix.merge(ids, nil, 1)
	}
	if isNumber(w) {
		return match{}
	}
	if len(w) >= minPrefix {
		lo := sort.Search(len(ix.sorted), func(i int) bool { return ix.words[ix.sorted[i]].text >= w })
		hi := lo
		for hi < len(ix.sorted) && strings.HasPrefix(ix.words[ix.sorted[hi]].text, w) {
			hi++
		}
		if hi > lo {
			return ix.merge(ix.sorted[lo:hi], nil, prefixWeight)
		}
	}
	budget := typoBudget(w)
	if budget == 0 {
		return match{}
	}
	// A typo stands for the word it misspells, and so for that word's inflections too.
	var ids []int32
	var weights []float32
	ix.near(w, budget, func(id int32, d int) {
		for _, sib := range ix.byStem[ix.words[id].stem] {
			if i := slices.Index(ids, sib); i >= 0 {
				weights[i] = max(weights[i], typoWeight/float32(d))
				continue
			}
			ids = append(ids, sib)
			weights = append(weights, typoWeight/float32(d))
		}
	})
	return ix.merge(ids, weights, 1)
}

// near calls fn for every word of the vocabulary within maxEdits of w, with the distance.
func (ix *index) near(w string, maxEdits int, fn func(id int32, d int)) {
	mask := letterMask(w)
	for n := max(1, len(w)-maxEdits); n <= len(w)+maxEdits && n < len(ix.byLen); n++ {
		for _, id := range ix.byLen[n] {
			cand := &ix.words[id]
			if cand.number || maskApart(mask, cand.mask) > maxEdits {
				continue
			}
			if d := fuzzy.Distance(w, cand.text); d <= maxEdits {
				fn(id, d)
			}
		}
	}
}

// merge joins the postings of several words into one list in passage order. One word's list is
// the index's own, weighted as a whole.
func (ix *index) merge(ids []int32, weights []float32, weight float32) match {
	m := match{words: ids, weight: weight}
	if len(ids) == 1 {
		m.list = ix.words[ids[0]].postings
		if weights != nil {
			m.weight = weights[0]
		}
		return m
	}
	if len(ids) <= 4 { // a word and its inflections: merging the lists beats a pass over all
		m.weight = 1
		for i, id := range ids {
			w := weight
			if weights != nil {
				w = weights[i]
			}
			m.list = mergePostings(m.list, ix.words[id].postings, w)
		}
		return m
	}
	acc := make([]float32, len(ix.passages))
	for i, id := range ids {
		w := weight
		if weights != nil {
			w = weights[i]
		}
		for _, p := range ix.words[id].postings {
			acc[p.passage] += p.tf * w
		}
	}
	m.weight = 1
	for p, tf := range acc {
		if tf > 0 {
			m.list = append(m.list, posting{passage: int32(p), tf: tf})
		}
	}
	return m
}

// mergePostings adds b, weighted, to a, both in passage order.
func mergePostings(a, b []posting, weight float32) []posting {
	out := make([]posting, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i].passage < b[j].passage:
			out = append(out, a[i])
			i++
		case i == len(a) || b[j].passage < a[i].passage:
			out = append(out, posting{passage: b[j].passage, tf: b[j].tf * weight})
			j++
		default:
			out = append(out, posting{passage: a[i].passage, tf: a[i].tf + b[j].tf*weight})
			i, j = i+1, j+1
		}
	}
	return out
}

// findPhrase finds the passages holding words in a row, in the text or in the section's title.
func (ix *index) findPhrase(words []string) match {
	m := match{phrase: true, weight: 1}
	for _, w := range words {
		id, ok := ix.byText[w]
		if !ok {
			return match{}
		}
		m.words = append(m.words, id)
	}
	lists := make([][]posting, len(m.words))
	for i, id := range m.words {
		lists[i] = ix.words[id].postings
	}
	sort.Slice(lists, func(i, j int) bool { return len(lists[i]) < len(lists[j]) })
	for _, lead := range lists[0] {
		if !inAll(lists[1:], lead.passage) {
			continue
		}
		p := &ix.passages[lead.passage]
		boost := float32(1)
		if p.row {
			boost = rowBoost
		}
		tf := float32(len(runs(p.tokens, m.words)))*boost +
			float32(len(runs(ix.sections[p.section].tokens, m.words)))*titleBoost
		if tf > 0 {
			m.list = append(m.list, posting{passage: lead.passage, tf: tf})
		}
	}
	return m
}

func inAll(lists [][]posting, p int32) bool {
	for _, l := range lists {
		i := sort.Search(len(l), func(k int) bool { return l[k].passage >= p })
		if i == len(l) || l[i].passage != p {
			return false
		}
	}
	return true
}

// runs returns where words occur in a row among toks, as token index ranges.
func runs(toks []token, words []int32) [][2]int {
	var out [][2]int
	for i := 0; i+len(words) <= len(toks); i++ {
		ok := true
		for k, w := range words {
			if toks[i+k].word != w {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, [2]int{i, i + len(words)})
			i += len(words) - 1
		}
	}
	return out
}

// spans marks what the query found in a passage's text: every word a word of the query stands
// for, and each run of a phrase as one span.
func (ix *index) spans(p *passage, matches []match) []Span {
	marked := make([]bool, len(p.tokens))
	var spans []Span
	for _, m := range matches {
		if m.phrase {
			for _, r := range runs(p.tokens, m.words) {
				for k := r[0]; k < r[1]; k++ {
					marked[k] = true
				}
				spans = append(spans, Span{int(p.tokens[r[0]].start), int(p.tokens[r[1]-1].end)})
			}
			continue
		}
		for k, t := range p.tokens {
			if !marked[k] && slices.Contains(m.words, t.word) {
				marked[k] = true
				spans = append(spans, Span{int(t.start), int(t.end)})
			}
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	out := spans[:0]
	for _, s := range spans {
		if n := len(out); n > 0 && s.Start < out[n-1].End {
			out[n-1].End = max(out[n-1].End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}

// maxSuggestEdits bounds how far a suggestion may be from what was typed.
const maxSuggestEdits = 3

// closest finds the words of the index nearest to the words no passage holds. Spelling is all
// there is to compare: it suggests single words, and a word that shared a stem or a beginning
// with one of the index was found, not left unmatched.
func (ix *index) closest(terms []term, n int) []string {
	type cand struct {
		text string
		d    int
		df   int
	}
	var cands []cand
	for _, t := range terms {
		for _, w := range t.words {
			if _, ok := ix.byText[w]; ok || isNumber(w) {
				continue
			}
			ix.near(w, min(maxSuggestEdits, max(2, len(w)/3)), func(id int32, d int) {
				word := &ix.words[id]
				if len(word.text) >= minPrefix && !english.IsStopWord(word.text) {
					cands = append(cands, cand{word.shown, d, len(word.postings)})
				}
			})
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.d != b.d {
			return a.d < b.d
		}
		if a.df != b.df {
			return a.df > b.df
		}
		return a.text < b.text
	})
	var out []string
	for _, c := range cands {
		if len(out) == n {
			break
		}
		if !slices.Contains(out, c.text) {
			out = append(out, c.text)
		}
	}
	return out
}

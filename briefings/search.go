package briefings

import (
	"math"
	"sort"
)

// A SearchResult answers one search across a library.
type SearchResult struct {
	Hits  []Hit // the best passages, best first, at most the limit asked for
	Total int   // how many passages match in all
	// Unmatched are the query's words and "phrases" that no passage holds; Closest are the
	// words of the library nearest to them by spelling, for "did you mean". Both are empty
	// when every word occurs somewhere, even when no one passage holds them all.
	Unmatched []string
	Closest   []string
}

// A Hit is one passage that matched a search.
type Hit struct {
	Briefing    *Briefing
	Section     string // the section's title
	SectionSlug string
	Text        string // the passage: a paragraph, or a list item or table row as "label: text"
	Matches     []Span // where Text holds what was searched for, in order, not overlapping
	Score       float64
}

// A Span is a byte range of a text, End excluded.
type Span struct{ Start, End int }

// Ranking: Okapi BM25 with its usual constants. Words found by prefix or by a typo count less
// than the words asked for.
const (
	bm25K1       = 1.2
	bm25B        = 0.75
	prefixWeight = 0.7
	typoWeight   = 0.5
)

// A match is what a term found in the index: the passages holding it, with weighted counts.
type match struct {
	list   []posting
	weight float32 // of every count in list, for lists shared with the index
	words  []int32 // the words it stands for, to mark them in the text
	phrase bool
}

// Query finds the passages of every briefing that hold every word of query, across inflections
// (a Snowball stem: "tunnels" finds "tunnel"), by prefix ("surv") or with a small typo when a word
// is found no other way, and "quoted phrases" word for word. Hits are ranked by BM25, a title or
// positions table hit counting more; at most limit are returned, with the total.
func (l *Library) Query(query string, limit int) SearchResult {
	var res SearchResult
	if l == nil || l.index == nil {
		return res
	}
	ix := l.index
	terms := parseQuery(query)
	if len(terms) == 0 {
		return res
	}
	matches := make([]match, 0, len(terms))
	var unmatched []term
	for _, t := range terms {
		m := ix.find(t)
		if len(m.list) == 0 {
			unmatched = append(unmatched, t)
			res.Unmatched = append(res.Unmatched, t.raw)
		}
		matches = append(matches, m)
	}
	if len(unmatched) > 0 {
		res.Closest = ix.closest(unmatched, 3)
		return res
	}
	sort.SliceStable(matches, func(i, j int) bool { return len(matches[i].list) < len(matches[j].list) })
	top := ix.rank(matches, limit, &res.Total)
	for _, s := range top {
		p := &ix.passages[s.passage]
		sec := &ix.sections[p.section]
		res.Hits = append(res.Hits, Hit{Briefing: sec.briefing, Section: sec.title, SectionSlug: sec.slug,
			Text: p.text, Matches: ix.spans(p, matches), Score: s.score})
	}
	return res
}

type scored struct {
	passage int32
	score   float64
}

// rank walks the passages that hold every term, rarest term first, keeping the best limit.
func (ix *index) rank(matches []match, limit int, total *int) []scored {
	n := float64(len(ix.passages))
	idf := make([]float64, len(matches))
	for i, m := range matches {
		df := float64(len(m.list))
		idf[i] = math.Log(1 + (n-df+0.5)/(df+0.5))
	}
	cursors := make([]int, len(matches))
	var top []scored
	for _, lead := range matches[0].list {
		p := lead.passage
		score := 0.0
		norm := float64(ix.norm[p])
		all := true
		for i := range matches {
			list := matches[i].list
			c := cursors[i]
			if i > 0 {
				c += sort.Search(len(list)-c, func(k int) bool { return list[c+k].passage >= p })
				cursors[i] = c
				if c == len(list) || list[c].passage != p {
					all = false
					break
				}
			}
			tf := float64(list[c].tf * matches[i].weight)
			score += idf[i] * tf * (bm25K1 + 1) / (tf + norm)
		}
		if !all {
			continue
		}
		*total++
		top = keepBest(top, scored{passage: p, score: score}, limit)
	}
	return top
}

// keepBest inserts s into top, best first, ties in library order, keeping at most limit.
func keepBest(top []scored, s scored, limit int) []scored {
	if limit <= 0 {
		return top
	}
	if len(top) == limit && !better(s, top[len(top)-1]) {
		return top
	}
	i := sort.Search(len(top), func(k int) bool { return better(s, top[k]) })
	if len(top) < limit {
		top = append(top, scored{})
	}
	copy(top[i+1:], top[i:])
	top[i] = s
	return top
}

func better(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.passage < b.passage
}

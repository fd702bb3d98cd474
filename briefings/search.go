package briefings

import (
	"math"
	"sort"
)

// A SearchResult answers one search across a library.
type SearchResult struct {
	Hits  []Hit // the best passages, best first, at most the limit asked for
	Total int   // how many hits there are in all: passages that match, those that repeat one as one
	// Unmatched are the query's words and "phrases" that no passage holds; Closest are the
	// words of the library nearest to them by spelling, for "did you mean". Both are empty
	// when every word occurs somewhere, even when no one passage holds them all.
	Unmatched []string
	Closest   []string
}

// A Hit is one passage that matched a search. Passages that repeat what it says (the same
// sentence as a timeline item, a key figure and a paragraph) are not hits of their own: AlsoIn
// names where they are, and Text is the one of them with the most context.
type Hit struct {
	Place
	Text    string  // the passage: a paragraph, or a list item or table row as "label: text"
	Matches []Span  // where Text holds what was searched for, in order, not overlapping
	Score   float64 // BM25: the best of the passage's and those of the repeats it stands for
	// AlsoIn names the first few other sections, in library order, that hold what Text says;
	// Elsewhere counts them all, as a sentence may be in every briefing of a library.
	AlsoIn    []Place
	Elsewhere int
}

// maxAlsoIn is how many places a hit names besides its own; more is a list no one reads.
const maxAlsoIn = 5

// A Place is where a passage is: a section of a briefing.
type Place struct {
	Briefing    *Briefing
	Section     string // the section's title
	SectionSlug string
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
// positions table hit counting more; at most limit are returned, with the total. Passages that
// say again what another matching passage says are one hit with it (see Hit).
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
	scratch, _ := ix.foldScratch.Get().(*foldScratch)
	if scratch == nil {
		scratch = &foldScratch{matching: newPassageSet(len(ix.passages))}
	}
	defer ix.foldScratch.Put(scratch)
	top, folds := ix.rank(matches, limit, &res.Total, scratch)
	for _, s := range top {
		p := &ix.passages[s.passage]
		h := Hit{Place: ix.place(p.section), Text: p.text, Matches: ix.spans(p, matches), Score: s.score}
		if ix.repeated.has(s.passage) {
			ix.alsoIn(&h, s.passage, folds)
		}
		res.Hits = append(res.Hits, h)
	}
	return res
}

// alsoIn names the other sections of the passages folded into hit, the one h shows.
func (ix *index) alsoIn(h *Hit, hit int32, folds []fold) {
	own := ix.passages[hit].section
	last := own // folds are in passage order, so a section's come together
	for _, f := range folds {
		if f.hit != hit {
			continue
		}
		if sec := ix.passages[f.passage].section; sec != own && sec != last {
			if h.Elsewhere < maxAlsoIn {
				h.AlsoIn = append(h.AlsoIn, ix.place(sec))
			}
			h.Elsewhere++
			last = sec
		}
	}
}

func (ix *index) place(section int32) Place {
	sec := &ix.sections[section]
	return Place{Briefing: sec.briefing, Section: sec.title, SectionSlug: sec.slug}
}

type scored struct {
	passage int32
	score   float64
}

// A fold is a matching passage that holds others or is held (repeats.go), and the hit it
// counts toward: the matching passage with the most context that holds it, or itself.
type fold struct {
	passage, hit int32
	score        float64
}

// rank walks the passages that hold every term, rarest term first, keeping the best limit
// hits and counting them all. A passage held by another that matches too is no hit of its own:
// it is folded into the best such holder, which scores as the best of the passages it stands
// for. The folds are returned, in passage order, to say where else a hit is; they live in
// scratch, until it serves another query.
func (ix *index) rank(matches []match, limit int, total *int, scratch *foldScratch) ([]scored, []fold) {
	n := float64(len(ix.passages))
	idf := make([]float64, len(matches))
	for i, m := range matches {
		df := float64(len(m.list))
		idf[i] = math.Log(1 + (n-df+0.5)/(df+0.5))
	}
	cursors := make([]int, len(matches))
	var top []scored
	folds := scratch.folds[:0]
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
		if ix.repeated.has(p) {
			folds = append(folds, fold{passage: p, hit: p, score: score})
			continue
		}
		*total++
		top = keepBest(top, scored{passage: p, score: score}, limit)
	}
	scratch.folds = folds
	if len(folds) == 0 {
		return top, nil
	}
	matching := scratch.matching
	clear(matching)
	for _, f := range folds {
		matching.add(f.passage)
	}
	for i := range folds {
		f := &folds[i]
		f.hit = ix.foldInto(matching, f.passage)
		if f.hit == f.passage {
			*total++
		}
		// Offered under its hit, every fold lifts the hit to the best score among them.
		top = keepBest(top, scored{passage: f.hit, score: f.score}, limit)
	}
	return top, folds
}

// foldInto follows p's holders up to the best matching one: each holder that matches stands
// for p, and may itself be held by one with yet more context.
func (ix *index) foldInto(matching passageSet, p int32) int32 {
	for {
		next := int32(-1)
		for _, q := range ix.holdersOf(p) {
			if matching.has(q) {
				next = q
				break
			}
		}
		if next < 0 {
			return p
		}
		p = next // holders have more context than the passages they hold: this ends
	}
}

// foldScratch is the room rank needs for the repeated passages that match a query, kept from
// one query to the next: a sentence repeated across a library may fold hundreds of them.
type foldScratch struct {
	folds    []fold
	matching passageSet
}

// A passageSet holds passages of an index, one bit each.
type passageSet []uint64

func newPassageSet(passages int) passageSet { return make(passageSet, (passages+63)/64) }

func (s passageSet) add(p int32)      { s[p/64] |= 1 << (p % 64) }
func (s passageSet) has(p int32) bool { return s[p/64]&(1<<(p%64)) != 0 }

// keepBest inserts s into top, best first, ties in library order, keeping at most limit. A
// passage already in top keeps the better of its two scores.
func keepBest(top []scored, s scored, limit int) []scored {
	if limit <= 0 {
		return top
	}
	if len(top) == limit && !better(s, top[len(top)-1]) {
		return top
	}
	for k := range top {
		if top[k].passage == s.passage {
			if s.score <= top[k].score {
				return top
			}
			top = append(top[:k], top[k+1:]...)
			break
		}
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

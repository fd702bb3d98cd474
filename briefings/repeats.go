package briefings

import (
	"cmp"
	"slices"
	"strings"

	"github.com/kljensen/snowball/english"
)

// Briefings repeat themselves: an event is told in the timeline and again in a paragraph, a
// figure with its source again in the stakes. A search should show such a sentence once, where it
// has the most context, and say where else it is. The index finds the repeats once, when it is
// built, as holders: passage q holds passage p when every sentence of p long enough to compare
// (minSentenceWords) is also in q, and q, being longer, has more context. A search then folds every matching passage into the best
// matching passage that holds it (see rank).
//
// A sentence is in another when it says the same words in the same order, give or take a few:
// the labels of items are left out, and so are the words that say nothing alone ("the", "of");
// words compare by stem; and most of the sentence's pairs of neighbouring words must be pairs
// of the other (sameSentenceShare), so that a timeline item is found in the paragraph that tells
// it with a date or a source around it, while a sentence that only uses the same words to say
// something else ("grain shipped through the harbour" is not "closed the harbour to grain
// ships") is not.
const (
	// minSentenceWords: a sentence of fewer words ("Talks resumed.") is too common to call any
	// two the same; a passage of only such sentences is never folded.
	minSentenceWords = 3
	// A sentence is in another when this share of its word pairs, in tenths, are.
	sameSentenceShare = 6
	// maxHolders bounds the holders kept per passage, best first: a sentence repeated in every
	// briefing of a library needs only the few best places to fold into.
	maxHolders = 8
)

// sentenceBreak tells where one sentence of a passage ends and the next begins. The points of
// "U.S." and "70.5" are inside words, so they never reach it; a sentence that ends in "U.S."
// runs on into the next, which only makes it harder to find whole elsewhere.
const sentenceBreak = ".!?;\n"

// findRepeats fills in, for every passage, the longer passages that hold it, best first.
// labelEnds gives, per passage, where its text begins after an item's or a row's "label: ".
func (ix *index) findRepeats(labelEnds []int32) {
	sentences := ix.sentences(labelEnds)
	shapeHolders := sentences.holders()
	ix.holderStart = make([]int32, len(ix.passages)+1)
	ix.repeated = newPassageSet(len(ix.passages))
	byPassage := make([]int32, len(ix.passages)) // stamps: the passage last marked
	for i := range byPassage {
		byPassage[i] = -1
	}
	// outranks reports whether passage a has more context than b: it is longer, or as long and
	// first.
	length := make([]int32, len(ix.passages))
	for p := range ix.passages {
		length[p] = int32(len(ix.passages[p].text))
	}
	outranks := func(a, b int32) bool { return length[a] > length[b] || length[a] == length[b] && a < b }
	var cands, kept, best []int32
	for p := range ix.passages {
		ix.holderStart[p] = int32(len(ix.holders))
		shapes := sentences.ofPassage(int32(p))
		if len(shapes) == 0 {
			continue
		}
		// The passages holding the first sentence, then those of them holding every other.
		cands = cands[:0]
		sentences.eachPassageHolding(shapes[0], shapeHolders, func(q int32) {
			if q != int32(p) && byPassage[q] != int32(p) && outranks(q, int32(p)) {
				byPassage[q] = int32(p)
				cands = append(cands, q)
			}
		})
		for _, s := range shapes[1:] {
			if len(cands) == 0 {
				break
			}
			mark := -2 - int32(p) // a stamp of its own, apart from the one above
			sentences.eachPassageHolding(s, shapeHolders, func(q int32) {
				if byPassage[q] == int32(p) {
					byPassage[q] = mark
				}
			})
			kept = kept[:0]
			for _, q := range cands {
				if byPassage[q] == mark {
					byPassage[q] = int32(p)
					kept = append(kept, q)
				}
			}
			cands, kept = kept, cands
		}
		// The best few, kept in order as they come.
		best = best[:0]
		for _, q := range cands {
			if len(best) == maxHolders && !outranks(q, best[len(best)-1]) {
				continue
			}
			i := len(best)
			for i > 0 && outranks(q, best[i-1]) {
				i--
			}
			if best = slices.Insert(best, i, q); len(best) > maxHolders {
				best = best[:maxHolders]
			}
		}
		ix.holders = append(ix.holders, best...)
		if len(best) > 0 {
			ix.repeated.add(int32(p))
			for _, q := range best {
				ix.repeated.add(q)
			}
		}
	}
	ix.holderStart[len(ix.passages)] = int32(len(ix.holders))
}

// holdersOf is the passages that hold p, best first.
func (ix *index) holdersOf(p int32) []int32 {
	return ix.holders[ix.holderStart[p]:ix.holderStart[p+1]]
}

// sentenceSet is every sentence of the library worth comparing, as the stems of its words in
// order. A shape is one such sequence, however many sentences have it: a sentence told in ten
// briefings is compared once.
type sentenceSet struct {
	shapeStems  []int32 // per shape, its stems in order, each the id of the stem's first word
	shapeStart  []int32 // shape i's stems are shapeStems[shapeStart[i]:shapeStart[i+1]]
	passShapes  []int32 // per passage, the shapes of its sentences, each once
	passStart   []int32 // passage p's shapes are passShapes[passStart[p]:passStart[p+1]]
	shapePasses []int32 // per shape, the passages that have it, in order
	shapePassAt []int32 // shape i's passages are shapePasses[shapePassAt[i]:shapePassAt[i+1]]
	vocabulary  int
}

// sentences splits every passage's text into sentences and gives each its shape.
func (ix *index) sentences(labelEnds []int32) *sentenceSet {
	ss := &sentenceSet{shapeStart: []int32{0}, passStart: make([]int32, 0, len(ix.passages)+1),
		vocabulary: len(ix.words)}
	// A word's stem, or -1 for a word that says nothing alone.
	stemOf := make([]int32, len(ix.words))
	for id, w := range ix.words {
		stemOf[id] = -1
		if !english.IsStopWord(w.text) {
			stemOf[id] = ix.byStem[w.stem][0]
		}
	}
	shapes := map[string]int32{}
	var lastPassage []int32              // per shape, the passage that last had it
	seen := make([]int32, len(ix.words)) // stamps: the sentence that last had the stem, plus one
	sentence, distinct := int32(0), 0
	var stems []int32
	var key []byte
	end := func(p int32) {
		sentence++
		if distinct < minSentenceWords {
			stems, distinct = stems[:0], 0
			return
		}
		key = key[:0]
		for _, s := range stems {
			key = append(key, byte(s), byte(s>>8), byte(s>>16), byte(s>>24))
		}
		shape, ok := shapes[string(key)]
		if !ok {
			shape = int32(ss.shapes())
			shapes[string(key)] = shape
			ss.shapeStems = append(ss.shapeStems, stems...)
			ss.shapeStart = append(ss.shapeStart, int32(len(ss.shapeStems)))
			lastPassage = append(lastPassage, -1)
		}
		if lastPassage[shape] != p {
			lastPassage[shape] = p
			ss.passShapes = append(ss.passShapes, shape)
		}
		stems, distinct = stems[:0], 0
	}
	for p := range ix.passages {
		ss.passStart = append(ss.passStart, int32(len(ss.passShapes)))
		text := ix.passages[p].text
		prevEnd := labelEnds[p]
		for _, t := range ix.passages[p].tokens {
			if t.start < labelEnds[p] {
				continue
			}
			if len(stems) > 0 && strings.ContainsAny(text[prevEnd:t.start], sentenceBreak) {
				end(int32(p))
			}
			prevEnd = t.end
			s := stemOf[t.word]
			if s < 0 || len(stems) > 0 && stems[len(stems)-1] == s {
				continue
			}
			stems = append(stems, s)
			if seen[s] != sentence+1 {
				seen[s] = sentence + 1
				distinct++
			}
		}
		end(int32(p))
	}
	ss.passStart = append(ss.passStart, int32(len(ss.passShapes)))
	// The passages of each shape, by counting.
	ss.shapePassAt = make([]int32, ss.shapes()+1)
	for _, shape := range ss.passShapes {
		ss.shapePassAt[shape+1]++
	}
	for i := 1; i < len(ss.shapePassAt); i++ {
		ss.shapePassAt[i] += ss.shapePassAt[i-1]
	}
	ss.shapePasses = make([]int32, len(ss.passShapes))
	fill := slices.Clone(ss.shapePassAt)
	for p := range ix.passages {
		for _, shape := range ss.ofPassage(int32(p)) {
			ss.shapePasses[fill[shape]] = int32(p)
			fill[shape]++
		}
	}
	return ss
}

func (ss *sentenceSet) shapes() int { return len(ss.shapeStart) - 1 }

func (ss *sentenceSet) stemsOf(shape int32) []int32 {
	return ss.shapeStems[ss.shapeStart[shape]:ss.shapeStart[shape+1]]
}

func (ss *sentenceSet) ofPassage(p int32) []int32 {
	return ss.passShapes[ss.passStart[p]:ss.passStart[p+1]]
}

func (ss *sentenceSet) passagesOf(shape int32) []int32 {
	return ss.shapePasses[ss.shapePassAt[shape]:ss.shapePassAt[shape+1]]
}

// eachPassageHolding calls fn for every passage that has shape s or a shape holding it, in no
// order, some more than once.
func (ss *sentenceSet) eachPassageHolding(s int32, holders [][]int32, fn func(int32)) {
	for _, p := range ss.passagesOf(s) {
		fn(p)
	}
	for _, t := range holders[s] {
		for _, p := range ss.passagesOf(t) {
			fn(p)
		}
	}
}

// pair is two neighbouring stems of a sentence.
func pair(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// holders finds, for every shape, the other shapes it is in: those that have sameSentenceShare
// of its word pairs. A shape that has k of the pairs of s has one of the rarest len(pairs)-k+1
// of them: only the shapes with those are compared.
func (ss *sentenceSet) holders() [][]int32 {
	n := ss.shapes()
	// Every pair of every shape, once per shape: by shape, each shape's pairs in order
	// (pairs, pairAt), and by pair, each pair's run of shapes (byPair, runAt; runOf is the run of
	// each entry of pairs).
	pairs := make([]uint64, 0, len(ss.shapeStems))
	pairAt := make([]int32, n+1)
	for shape := range n {
		from := len(pairs)
		seq := ss.stemsOf(int32(shape))
		for i := 1; i < len(seq); i++ {
			pairs = append(pairs, pair(seq[i-1], seq[i]))
		}
		slices.Sort(pairs[from:])
		pairs = pairs[:from+len(slices.Compact(pairs[from:]))]
		pairAt[shape+1] = int32(len(pairs))
	}
	byPair := make([]shapePair, len(pairs))
	for shape := range n {
		for i := pairAt[shape]; i < pairAt[shape+1]; i++ {
			byPair[i] = shapePair{pair: pairs[i], shape: int32(shape), at: i}
		}
	}
	slices.SortFunc(byPair, func(a, b shapePair) int { return cmp.Compare(a.pair, b.pair) })
	runOf := make([]int32, len(pairs))
	var runAt []int32
	for i, e := range byPair {
		if i == 0 || e.pair != byPair[i-1].pair {
			runAt = append(runAt, int32(i))
		}
		runOf[e.at] = int32(len(runAt) - 1)
	}
	runAt = append(runAt, int32(len(byPair)))
	run := func(r int32) []shapePair { return byPair[runAt[r]:runAt[r+1]] }

	holders := make([][]int32, n)
	tried := make([]int32, n) // stamps: the shape last compared with, plus one
	var rarest []int32
	var counted []bool
	for shape := range int32(n) {
		mine := pairs[pairAt[shape]:pairAt[shape+1]]
		need := (sameSentenceShare*len(mine) + 9) / 10
		if need < 2 {
			continue
		}
		rarest = append(rarest[:0], runOf[pairAt[shape]:pairAt[shape+1]]...)
		slices.SortFunc(rarest, func(a, b int32) int { return cmp.Compare(len(run(a)), len(run(b))) })
		counted = slices.Grow(counted[:0], len(mine))[:len(mine)]
		for _, r := range rarest[:len(mine)-need+1] {
			for _, e := range run(r) {
				if t := e.shape; t != shape && tried[t] != shape+1 {
					tried[t] = shape + 1
					clear(counted)
					if sharedPairs(mine, ss.stemsOf(t), counted) >= need {
						holders[shape] = append(holders[shape], t)
					}
				}
			}
		}
	}
	return holders
}

// A shapePair is one pair of neighbouring stems of a shape, and where it is among the shape's.
type shapePair struct {
	pair      uint64
	shape, at int32
}

// sharedPairs counts the pairs (sorted, each once) that seq has as neighbours; counted, as
// long as pairs and all false, marks those found.
func sharedPairs(pairs []uint64, seq []int32, counted []bool) int {
	shared := 0
	for i := 1; i < len(seq); i++ {
		if k, ok := slices.BinarySearch(pairs, pair(seq[i-1], seq[i])); ok && !counted[k] {
			counted[k] = true
			shared++
		}
	}
	return shared
}

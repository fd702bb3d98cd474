// Package fuzzy measures how far apart two words are and finds the name a person most likely
// meant, for every "did you mean" in briefbot: topics typed with a typo (the briefings' resolver
// ranks them by Distance), a misspelt config key or value (Closest), a time zone (Budget). It
// imports nothing of briefbot's.
package fuzzy

import (
	"strings"
	"unicode/utf8"
)

// Closest returns the candidate a person most likely meant by word: the same word in another
// case, else the nearest by Distance within Budget, else the only candidate word begins (of three
// letters or more). ok is false when no candidate is near enough to suggest; ties go to the
// earlier candidate.
func Closest(word string, candidates []string) (string, bool) {
	w := strings.ToLower(word)
	if w == "" {
		return "", false
	}
	for _, c := range candidates {
		if strings.ToLower(c) == w {
			return c, true
		}
	}
	if len(w) > maxWord {
		return "", false
	}
	best, bestDist := "", Budget(w)+1
	for _, c := range candidates {
		if d := Distance(w, strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best != "" {
		return best, true
	}
	if utf8.RuneCountInString(w) >= 3 {
		var only string
		for _, c := range candidates {
			if strings.HasPrefix(strings.ToLower(c), w) {
				if only != "" {
					return "", false
				}
				only = c
			}
		}
		return only, only != ""
	}
	return "", false
}

// maxWord bounds the work: nobody mistypes a word this long, but a pasted value can be huge.
const maxWord = 100

// Budget is how many edits a misspelt name may carry and still be suggested: about one per four
// letters (a letter added, dropped, changed, or two swapped), so "shedule" finds "schedule" and
// "teams" finds no "slack".
func Budget(word string) int { return (utf8.RuneCountInString(word) + 2) / 4 }

// Distance is the optimal-string-alignment edit distance (Damerau-Levenshtein with adjacent
// transpositions): how many letters must be inserted, deleted, changed or swapped with their
// neighbour to turn one string into the other, counting letters, not bytes. ASCII words, most of
// what it compares, cost no allocation: the resolver runs it on every typed topic.
func Distance(a, b string) int {
	if ascii(a) && ascii(b) {
		return osa([]byte(a), []byte(b)) // short conversions that do not escape cost no allocation
	}
	return osa([]rune(a), []rune(b))
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// osa keeps three rows of the table, the swap looking two rows back; for short words they live
// on the stack.
func osa[E comparable](a, b []E) int {
	if len(a) > len(b) {
		a, b = b, a
	}
	var stack [3][64]int
	var prev2, prev, cur []int
	if len(a) < 64 {
		prev2, prev, cur = stack[0][:len(a)+1], stack[1][:len(a)+1], stack[2][:len(a)+1]
	} else {
		prev2, prev, cur = make([]int, len(a)+1), make([]int, len(a)+1), make([]int, len(a)+1)
	}
	for i := range prev {
		prev[i] = i
	}
	for j := 1; j <= len(b); j++ {
		cur[0] = j
		for i := 1; i <= len(a); i++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[i] = min(prev[i]+1, cur[i-1]+1, prev[i-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[i] = min(cur[i], prev2[i-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(a)]
}

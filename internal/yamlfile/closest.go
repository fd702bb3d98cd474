package yamlfile

import "strings"

// Closest returns the candidate a person most likely meant by word: the same word in another
// case, else the nearest by edit distance (a letter added, dropped, changed, or two swapped; about
// one edit per four letters), else the only candidate word begins. ok is false when no candidate
// is near enough to suggest; ties go to the earlier candidate.
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
	limit := (len([]rune(w)) + 2) / 4
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if d := Distance(w, strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best != "" {
		return best, true
	}
	if len([]rune(w)) >= 3 {
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

// Distance is the optimal string alignment distance between a and b: how many letters must be
// inserted, deleted, changed, or swapped with their neighbour to turn one into the other.
func Distance(a, b string) int {
	s, t := []rune(a), []rune(b)
	// Three rows suffice: the swap looks two rows back.
	prev2 := make([]int, len(t)+1)
	prev := make([]int, len(t)+1)
	cur := make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(s); i++ {
		cur[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(t)]
}

package yamlfile

import (
	"briefbot/internal/fuzzy"
	"strings"
)

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
		if d := fuzzy.Distance(w, strings.ToLower(c)); d < bestDist {
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

// Package fuzzy measures how far apart two words are, for every "did you mean" in briefbot:
// topics typed with a typo, a misspelt config key or time zone. It imports nothing of briefbot's.
package fuzzy

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

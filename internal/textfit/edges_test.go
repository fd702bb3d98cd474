package textfit_test

import (
	"slices"
	"strings"
	"testing"

	"briefbot/internal/textfit"
)

// The tests in this file sit on the boundaries of the fitter's rules, one character either side,
// where an off-by-one would change what a platform receives.

func TestLenAtTheBMPEdge(t *testing.T) {
	tests := []struct {
		s     string
		units int
	}{
		{"\uFFFF", 1},     // the last code point of the BMP: one unit
		{"\U00010000", 2}, // the first past it: a surrogate pair
	}
	for _, tc := range tests {
		if got := textfit.UTF16Units.Len(tc.s); got != tc.units {
			t.Errorf("UTF16Units.Len(%q) = %d; want %d", tc.s, got, tc.units)
		}
	}
}

func TestCutAtWordEdges(t *testing.T) {
	x := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name  string
		s     string
		limit int
		want  string
	}{
		// A space that starts the text is no word boundary: cutting there would leave nothing.
		{"space only at the start", " " + x(50), 11, " " + x(9) + "…"},
		// The word after the last space, with the space, is 40 long: just within longestWord, so
		// the cut goes back to the space.
		{"last word just within reach", "ab " + x(50), 43, "ab…"},
		// One longer, and the cut stays inside the word.
		{"last word just past reach", "ab " + x(50), 44, "ab " + x(40) + "…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := points.Cut(tc.s, tc.limit, textfit.Ellipsis); got != tc.want {
				t.Errorf("Cut(%q, %d) = %q; want %q", tc.s, tc.limit, got, tc.want)
			}
		})
	}
}

func TestSplitAtBreakEdges(t *testing.T) {
	tests := []struct {
		name  string
		f     textfit.Fitter
		s     string
		limit int
		want  []string
	}{
		// A limit of exactly the widest character still makes pieces; one unit could not hold an
		// emoji, so it makes none, even of text without one.
		{"limit one code point", points, "ab", 1, []string{"a", "b"}},
		{"limit two units", units, emoji + emoji, 2, []string{emoji, emoji}},
		{"limit one unit", units, "ab", 1, nil},
		// A paragraph break exactly halfway through the piece is in its latter half: the piece
		// ends there, not at the later line break.
		{"paragraph break at half", points, "aaaaa\n\nb\nbbbbbbbbb", 10, []string{"aaaaa", "b", "bbbbbbbbb"}},
		// Likewise a line break exactly halfway wins over a later space.
		{"line break at half", points, "aaaaa\nb bbbbbbb", 10, []string{"aaaaa", "b bbbbbbb"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f.Split(tc.s, tc.limit); !slices.Equal(got, tc.want) {
				t.Errorf("Split(%q, %d) = %q; want %q", tc.s, tc.limit, got, tc.want)
			}
		})
	}
}

package fuzzy_test

import (
	"testing"

	"briefbot/internal/fuzzy"
)

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"abc", "abc", 0},
		{"abc", "acb", 1}, {"shedule", "schedule", 1}, {"ca", "abc", 3}, {"kitten", "sitting", 3},
		{"zürich", "zurich", 1},
	}
	for _, tc := range tests {
		if got := fuzzy.Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d; want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

package fuzzy_test

import (
	"strings"
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

func TestClosest(t *testing.T) {
	names := []string{"schedule", "timezone", "channel", "channels", "catch_up", "us-mexico-troops", "slack", "discord"}
	tests := []struct {
		word, want string
		ok         bool
	}{
		{"shedule", "schedule", true},
		{"Schedule", "schedule", true},
		{"time_zone", "timezone", true},
		{"chanel", "channel", true},
		{"catch-up", "catch_up", true},
		{"us-mexico", "us-mexico-troops", true},
		{"SLACK", "slack", true},
		{"dicsord", "discord", true},
		{"teams", "", false},
		{"colour", "", false},
		{"", "", false},
		{"ch", "", false},
		{strings.Repeat("x", 1000), "", false},
	}
	for _, tc := range tests {
		got, ok := fuzzy.Closest(tc.word, names)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Closest(%q) = %q, %v; want %q, %v", tc.word, got, ok, tc.want, tc.ok)
		}
	}
}

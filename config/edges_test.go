package config_test

import (
	"strings"
	"testing"
	"time"

	"briefbot/config"
)

// The tests in this file sit on the edges of the config's rules: a value just within a limit and
// just past it, and problems that must be reported once, at their own line.

func TestParseEdges(t *testing.T) {
	prefix := func(s string) string { return "slack: {command_prefix: " + s + "}\n" }
	tests := []struct {
		name string
		text string
		want []string // the whole error, one line each; none when the config is valid
	}{
		// Each empty name is reported at its own line.
		{"empty briefings dir", "briefings:\n  dirs:\n    - a\n    - \" \"\n    - b\n", []string{"b.yaml:4: briefings.dirs: an empty folder name"}},
		{"command prefix of 20", prefix(strings.Repeat("b", 20)), nil},
		{"command prefix of 21", prefix(strings.Repeat("b", 21)), []string{
			`b.yaml:1: slack.command_prefix "` + strings.Repeat("b", 21) + `" must be lower-case letters, digits and hyphens, at most 20, such as "bb-"`}},
		// The lower-case spelling is suggested only when it would do.
		{"upper-case prefix of 20", prefix(strings.Repeat("B", 20)), []string{
			`b.yaml:1: slack.command_prefix "` + strings.Repeat("B", 20) + `" must be lower-case letters, digits and hyphens, at most 20, such as "bb-"; did you mean "` + strings.Repeat("b", 20) + `"?`}},
		{"upper-case prefix of 21", prefix(strings.Repeat("B", 21)), []string{
			`b.yaml:1: slack.command_prefix "` + strings.Repeat("B", 21) + `" must be lower-case letters, digits and hyphens, at most 20, such as "bb-"`}},
		{"upper-case prefix, other characters", prefix("BB_"), []string{
			`b.yaml:1: slack.command_prefix "BB_" must be lower-case letters, digits and hyphens, at most 20, such as "bb-"`}},
		// A channel of the wrong type is that problem alone, not also a missing channel.
		{"channel a list", digest("channel", "channel: [C1]"), []string{"b.yaml:3: digests[0].channel must be a single value, not a list"}},
		{"channels a value", digest("channel", "channels: C1"), []string{`b.yaml:3: digests[0].channels must be a list ([a, b], or one "- item" per line)`}},
		// catch_up must be shorter than the retention; a retention that cannot be read is that
		// problem alone.
		{"catch up as long as retention", "store: {retention: 1d}\n" + strings.Replace(digest("catch_up", "catch_up: 1d"), "digests:", "digests: ", 1),
			[]string{`b.yaml:4: digest "a": catch_up (1d) must be shorter than store.retention (1d), or a late digest could be posted twice`}},
		{"catch up just shorter", "store: {retention: 1d}\n" + strings.Replace(digest("catch_up", "catch_up: 23h59m"), "digests:", "digests: ", 1), nil},
		{"unreadable retention with a digest", "store: {retention: soon}\n" + strings.Replace(digest(), "digests:", "digests: ", 1),
			[]string{`b.yaml:1: store.retention "soon" is not a duration such as 90d or 720h`}},
		// A port is at most five digits, even with leading zeros.
		{"port of five digits", "http: {listen: \":00080\"}\n", nil},
		{"port of six digits", "http: {listen: \":000080\"}\n", []string{`b.yaml:1: http.listen ":000080" is not host:port (such as 127.0.0.1:8080 or :8080)`}},
		{"highest port", "http: {listen: \":65535\"}\n", nil},
		{"port past the highest", "http: {listen: \":65536\"}\n", []string{`b.yaml:1: http.listen ":65536" is not host:port (such as 127.0.0.1:8080 or :8080)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse("b.yaml", []byte(tc.text), lookup)
			switch {
			case tc.want == nil && err != nil:
				t.Errorf("Parse(%q) = %v; want no error", tc.text, err)
			case tc.want != nil && (err == nil || err.Error() != strings.Join(tc.want, "\n")):
				t.Errorf("Parse(%q) =\n%v\nwant\n%s", tc.text, err, strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestParseDurationEdges(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"100000d", 100000 * 24 * time.Hour, true},
		{"100001d", 0, false},
		{"0h", 0, true},
		{"1d0h", 24 * time.Hour, true},
		{"0d", 0, true},
		// The longest duration there is, with a day in front, and a nanosecond past it.
		{"1d2562023h47m16.854775807s", time.Duration(1<<63 - 1), true},
		{"1d2562023h47m16.854775808s", 0, false},
	}
	for _, tc := range tests {
		if got, ok := config.ParseDuration(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("ParseDuration(%q) = %v, %t; want %v, %t", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

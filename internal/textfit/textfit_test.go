package textfit_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"briefbot/internal/textfit"
)

const (
	emoji = "🛂" // outside the BMP: one code point, two UTF-16 units, four bytes
	cjk   = "語" // one code point, one unit, three bytes
	acute = "é" // one code point, one unit, two bytes
)

var (
	points = textfit.Fitter{Measure: textfit.CodePoints}
	units  = textfit.Fitter{Measure: textfit.UTF16Units}
	// escapes never ends a cut on a backslash, as Discord's escaping asks.
	escapes = textfit.Fitter{Measure: textfit.UTF16Units, SafeEnd: func(p string) int {
		return len(strings.TrimRight(p, `\`))
	}}
)

func TestLen(t *testing.T) {
	tests := []struct {
		s             string
		points, units int
	}{
		{"", 0, 0},
		{"abc", 3, 3},
		{acute + cjk, 2, 2},
		{emoji, 1, 2},
		{"a" + emoji + "b", 3, 4},
		{"\xff", 1, 1}, // invalid UTF-8 counts as the U+FFFD sent for it
	}
	for _, tc := range tests {
		if got := textfit.CodePoints.Len(tc.s); got != tc.points {
			t.Errorf("CodePoints.Len(%q) = %d; want %d", tc.s, got, tc.points)
		}
		if got := textfit.UTF16Units.Len(tc.s); got != tc.units {
			t.Errorf("UTF16Units.Len(%q) = %d; want %d", tc.s, got, tc.units)
		}
	}
}

func TestPrefix(t *testing.T) {
	tests := []struct {
		m    textfit.Measure
		s    string
		n    int
		want string
	}{
		{textfit.UTF16Units, "abc", 2, "ab"},
		{textfit.UTF16Units, "abc", 5, "abc"},
		{textfit.UTF16Units, "abc", 0, ""},
		{textfit.UTF16Units, "a" + emoji, 2, "a"}, // never half a surrogate pair
		{textfit.UTF16Units, "a" + emoji, 3, "a" + emoji},
		{textfit.CodePoints, "a" + emoji, 2, "a" + emoji},
		{textfit.UTF16Units, strings.Repeat(cjk, 5), 3, strings.Repeat(cjk, 3)},
		{textfit.UTF16Units, strings.Repeat(acute, 5), 4, strings.Repeat(acute, 4)},
	}
	for _, tc := range tests {
		if got := tc.m.Prefix(tc.s, tc.n); got != tc.want {
			t.Errorf("Prefix(%q, %d) = %q; want %q", tc.s, tc.n, got, tc.want)
		}
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		name   string
		f      textfit.Fitter
		s      string
		limit  int
		marker string
		want   string
	}{
		{"fits", units, "short text", 10, textfit.Shortened, "short text"},
		{"exactly the limit", units, strings.Repeat("x", 20), 20, textfit.Ellipsis, strings.Repeat("x", 20)},
		{"one over the limit", units, strings.Repeat("x", 21), 20, textfit.Ellipsis, strings.Repeat("x", 19) + "…"},
		{"at a word", units, "alpha beta gamma delta", 15, textfit.Ellipsis, "alpha beta…"},
		{"right before a space", units, "alpha beta gamma", 11, textfit.Ellipsis, "alpha beta…"},
		{"unbroken word", units, strings.Repeat("x", 100), 20, textfit.Shortened, strings.Repeat("x", 7) + textfit.Shortened},
		{"short word then an unbroken run", units, "a " + strings.Repeat("x", 100), 60, textfit.Ellipsis, "a " + strings.Repeat("x", 57) + "…"},
		{"accents", units, strings.Repeat(acute, 30), 10, textfit.Ellipsis, strings.Repeat(acute, 9) + "…"},
		{"CJK", units, strings.Repeat(cjk, 30), 10, textfit.Ellipsis, strings.Repeat(cjk, 9) + "…"},
		{"emoji whole", units, strings.Repeat(emoji, 10), 20, textfit.Ellipsis, strings.Repeat(emoji, 10)},
		{"emoji one unit over", units, strings.Repeat(emoji, 10) + "a", 20, textfit.Ellipsis, strings.Repeat(emoji, 9) + "…"},
		{"emoji never halved", units, strings.Repeat(emoji, 10), 10, textfit.Ellipsis, strings.Repeat(emoji, 4) + "…"},
		{"emoji by code points", points, strings.Repeat(emoji, 11), 10, textfit.Ellipsis, strings.Repeat(emoji, 9) + "…"},
		{"no room for the marker", units, "abcdef", 3, textfit.Shortened, "abc"},
		{"room for the marker only", units, "abcdefghijklmnopq", 13, textfit.Shortened, textfit.Shortened},
		{"spaces before the cut", units, "abc     defghijklmnop", 9, textfit.Ellipsis, "abc…"},
		{"not on an escape", escapes, `a\*b\*c\*d\*e\*f\*g`, 8, textfit.Ellipsis, `a\*b\*c…`},
		{"markup is not left half", escapes, `\\\\\\\\\\`, 6, textfit.Ellipsis, textfit.Ellipsis},
		{"negative limit", units, "abc", -1, textfit.Ellipsis, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.f.Cut(tc.s, tc.limit, tc.marker)
			if got != tc.want {
				t.Errorf("Cut(%q, %d, %q) = %q; want %q", tc.s, tc.limit, tc.marker, got, tc.want)
			}
			checkCut(t, tc.f, tc.s, tc.limit, tc.marker, got)
		})
	}
}

// checkCut holds for every cut: within the limit, valid UTF-8 from valid UTF-8, and either the
// text unchanged or a prefix of it followed by the marker.
func checkCut(t *testing.T, f textfit.Fitter, s string, limit int, marker, got string) {
	t.Helper()
	if n := f.Measure.Len(got); n > max(limit, 0) {
		t.Errorf("Cut(%q, %d) = %q, %d long", s, limit, got, n)
	}
	if utf8.ValidString(s) && !utf8.ValidString(got) {
		t.Errorf("Cut(%q, %d) = %q, not valid UTF-8", s, limit, got)
	}
	if got == s {
		return
	}
	if !strings.HasPrefix(s, strings.TrimSuffix(got, marker)) {
		t.Errorf("Cut(%q, %d) = %q, not a prefix of the text and the marker", s, limit, got)
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		f     textfit.Fitter
		s     string
		limit int
		want  []string
	}{
		{"fits", units, "one piece", 9, []string{"one piece"}},
		{"empty", units, "  \n ", 9, nil},
		{"between paragraphs", units, "first para\n\nsecond para", 20, []string{"first para", "second para"}},
		{"between lines", units, "one line\nanother line", 15, []string{"one line", "another line"}},
		{"paragraph only in the latter half", units, "ab\n\ncdef ghij klm", 12, []string{"ab\n\ncdef", "ghij klm"}},
		{"between words", units, "alpha beta gamma delta", 12, []string{"alpha beta", "gamma delta"}},
		{"right before a space", units, "alpha beta gamma", 10, []string{"alpha beta", "gamma"}},
		{"unbroken word", units, strings.Repeat("x", 25), 10, []string{strings.Repeat("x", 10), strings.Repeat("x", 10), strings.Repeat("x", 5)}},
		{"exactly the limit", units, strings.Repeat("x", 10), 10, []string{strings.Repeat("x", 10)}},
		{"one over the limit", units, strings.Repeat("x", 11), 10, []string{strings.Repeat("x", 10), "x"}},
		{"emoji never halved", units, strings.Repeat(emoji, 5), 3, []string{emoji, emoji, emoji, emoji, emoji}},
		{"CJK", units, strings.Repeat(cjk, 7), 3, []string{strings.Repeat(cjk, 3), strings.Repeat(cjk, 3), cjk}},
		{"not on an escape", escapes, `abcd\*efgh`, 5, []string{"abcd", `\*efg`, "h"}},
		{"no room for a character", units, emoji, 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.f.Split(tc.s, tc.limit)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Split(%q, %d) = %q; want %q", tc.s, tc.limit, got, tc.want)
			}
			checkSplit(t, tc.f, tc.s, tc.limit, got)
		})
	}
}

// checkSplit holds for every split: each piece within the limit, and nothing but spacing lost.
func checkSplit(t *testing.T, f textfit.Fitter, s string, limit int, got []string) {
	t.Helper()
	if limit < 2 {
		return
	}
	for _, p := range got {
		if n := f.Measure.Len(p); n > limit || n == 0 {
			t.Errorf("Split(%q, %d): piece %q, %d long", s, limit, p, n)
		}
		if utf8.ValidString(s) && !utf8.ValidString(p) {
			t.Errorf("Split(%q, %d): piece %q, not valid UTF-8", s, limit, p)
		}
	}
	if a, b := withoutSpaces(strings.Join(got, "")), withoutSpaces(s); a != b {
		t.Errorf("Split(%q, %d) = %q loses text", s, limit, got)
	}
}

// withoutSpaces drops the spacing a split may lose, byte by byte so that invalid UTF-8 is kept
// as it is.
func withoutSpaces(s string) string {
	var sb strings.Builder
	for i := range len(s) {
		if !strings.Contains(" \t\r\n", s[i:i+1]) {
			sb.WriteByte(s[i])
		}
	}
	return sb.String()
}

func TestWrap(t *testing.T) {
	tests := []struct {
		s     string
		width int
		want  []string
	}{
		{"a  few\twords  here", 80, []string{"a few words here"}},
		{"ab cdefgh", 8, []string{"ab", "cdefgh"}},
		{"abcdefgh ijk", 8, []string{"abcdefgh", "ijk"}},
		{"ab " + strings.Repeat("y", 20), 8, []string{"ab", "yyyyyyyy", "yyyyyyyy", "yyyy"}},
		{strings.Repeat("é", 7) + " " + strings.Repeat(cjk, 4), 4, []string{"éééé", "ééé", strings.Repeat(cjk, 4)}},
		{"", 8, nil},
		{"x", 0, nil},
	}
	for _, tc := range tests {
		got := points.Wrap(tc.s, tc.width)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Wrap(%q, %d) = %q; want %q", tc.s, tc.width, got, tc.want)
		}
	}
}

// TestSafeEndOutOfRange: a hook that answers past either end of the piece is held within it.
func TestSafeEndOutOfRange(t *testing.T) {
	for _, end := range []int{-5, 1 << 20} {
		f := textfit.Fitter{Measure: textfit.UTF16Units, SafeEnd: func(string) int { return end }}
		s := strings.Repeat("x", 30)
		checkCut(t, f, s, 10, textfit.Ellipsis, f.Cut(s, 10, textfit.Ellipsis))
		checkSplit(t, f, s, 10, f.Split(s, 10))
	}
}

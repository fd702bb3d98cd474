// Package textfit fits text into the length limits of chat platforms and terminals: it measures
// text the way a platform counts, cuts it to a limit with a marker, and splits or wraps it into
// pieces. It knows no platform's markup; a renderer says where its text must not be cut.
//
// How the platforms count, and why the renderers use UTF16Units for both:
//
//   - Discord's documentation says "characters". Its API measures the length of a Python string,
//     which is a count of Unicode code points (Discord's staff have said so on the API docs
//     tracker), while its JavaScript clients count UTF-16 code units. A text within a count of
//     UTF-16 units is within both, since no code point takes fewer than one unit.
//   - Slack's Block Kit reference also says "characters" and names no unit. Counting UTF-16 units
//     keeps emoji outside the Basic Multilingual Plane (two units each) from pushing a text over
//     whichever of code points or UTF-16 units Slack counts. Should Slack be shown to count UTF-8
//     bytes, no measure here would do, and a byte count would have to be added.
//
// A terminal shows one column for most characters, so the shell counts CodePoints.
package textfit

import "strings"

// Markers that end a text cut short: body text says it was shortened, a label just trails off.
const (
	Shortened = "… (shortened)"
	Ellipsis  = "…"
)

// A Measure is a way of counting the length of text.
type Measure int

const (
	// CodePoints counts Unicode code points: one per character, as Go's runes.
	CodePoints Measure = iota
	// UTF16Units counts UTF-16 code units: a character outside the Basic Multilingual Plane, such
	// as most emoji, is a surrogate pair and counts two.
	UTF16Units
)

// widest is the most a single character can count, the least room that always holds one.
func (m Measure) widest() int {
	if m == UTF16Units {
		return 2
	}
	return 1
}

// width is what one character counts.
func (m Measure) width(r rune) int {
	if m == UTF16Units && r > 0xFFFF {
		return 2
	}
	return 1
}

// Len is the length of s as m counts it. Text is expected to be valid UTF-8; an invalid byte counts
// as the U+FFFD an encoder sends in its place.
func (m Measure) Len(s string) int {
	n := 0
	for _, r := range s {
		n += m.width(r)
	}
	return n
}

// Prefix is the longest prefix of s at most n long, in whole characters: it never ends inside a
// multi-byte character or between the halves of a surrogate pair.
func (m Measure) Prefix(s string, n int) string {
	used := 0
	for i, r := range s {
		w := m.width(r)
		if used+w > n {
			return s[:i]
		}
		used += w
	}
	return s
}

// A Fitter cuts and splits text for one platform.
type Fitter struct {
	Measure Measure
	// SafeEnd says how much of prefix, a piece cut from a longer text, may be kept without ending
	// inside the platform's markup (half an escape, half an entity) or anywhere else the caller
	// will not end a cut. Nil keeps all of it.
	SafeEnd func(prefix string) int
}

// longestWord bounds how far a cut goes back to end on a whole word. Past it the text is an
// unbroken run (a URL, a CJK sentence, a string of emoji) and is cut inside rather than lose so
// much of it.
const longestWord = 40

// spaces are where text may break between words.
const spaces = " \t\r\n"

// Cut fits s into limit, as the fitter's measure counts. Text that fits is returned unchanged.
// Text that does not is cut at a word boundary near the limit, or inside a word when there is
// none, and ends with marker; the result, marker included, is never longer than limit. When
// limit cannot hold the marker, s is cut to limit without one.
func (f Fitter) Cut(s string, limit int, marker string) string {
	m := f.Measure
	if m.Len(s) <= limit {
		return s
	}
	room := limit - m.Len(marker)
	if room < 0 {
		return f.trim(m.Prefix(s, max(limit, 0)))
	}
	p := m.Prefix(s, room)
	if !startsWithSpace(s[len(p):]) {
		if i := strings.LastIndexAny(p, spaces); i > 0 && m.Len(p[i:]) <= longestWord {
			p = p[:i]
		}
	}
	return f.trim(p) + marker
}

// trim ends a cut piece neither on spaces nor inside markup.
func (f Fitter) trim(p string) string {
	p = strings.TrimRight(p, spaces)
	return strings.TrimRight(p[:f.safeEnd(p)], spaces)
}

// safeEnd is SafeEnd kept within p, so that a hook's mistake cannot cut outside it.
func (f Fitter) safeEnd(p string) int {
	if f.SafeEnd == nil {
		return len(p)
	}
	return min(max(f.SafeEnd(p), 0), len(p))
}

// Split breaks s into pieces of at most limit each, losing nothing but the spaces between them.
// It breaks between paragraphs where one ends in the latter half of a piece, else between lines
// there, else at the last space, else inside a word. A piece cut inside a word never ends inside
// markup unless the markup alone is longer than limit. When limit cannot hold a single character,
// Split returns nil rather than a piece that is too long.
func (f Fitter) Split(s string, limit int) []string {
	m := f.Measure
	if limit < m.widest() {
		return nil
	}
	var out []string
	s = strings.Trim(s, spaces)
	for s != "" {
		head := m.Prefix(s, limit) // not Len(s): that would read the whole rest for every piece
		if head == s {
			return append(out, s)
		}
		end := breakAt(head, s[len(head):])
		if end <= 0 {
			end = f.safeEnd(head)
		}
		if end == 0 { // markup longer than a piece: cut it rather than never end
			end = len(head)
		}
		if piece := strings.TrimRight(s[:end], spaces); piece != "" {
			out = append(out, piece)
		}
		s = strings.TrimLeft(s[end:], spaces)
	}
	return out
}

// breakAt is where head, the most of a text one piece can hold, should end: at the end when the
// text breaks right after it, else at the best break inside it; 0 for none.
func breakAt(head, rest string) int {
	if startsWithSpace(rest) {
		return len(head)
	}
	half := len(head) / 2
	if i := strings.LastIndex(head, "\n\n"); i >= half {
		return i
	}
	if i := strings.LastIndexByte(head, '\n'); i >= half {
		return i
	}
	return strings.LastIndexAny(head, spaces)
}

// Wrap breaks s into lines of at most width for a terminal: words joined by single spaces, the
// lines broken between words, a word longer than a line cut into pieces of the width. Nothing
// but the spacing is lost.
func (f Fitter) Wrap(s string, width int) []string {
	return f.Split(strings.Join(strings.Fields(s), " "), width)
}

func startsWithSpace(s string) bool { return s != "" && strings.IndexByte(spaces, s[0]) >= 0 }

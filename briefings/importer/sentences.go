package importer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// normalize is the one change the importer makes to an article's text: curly quotes become
// straight ones (what a user types when searching), and every run of white space, non-breaking
// and zero-width ones included, becomes one space. Everything else stays byte for byte.
func normalize(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	space := false
	for _, r := range s {
		switch r {
		case '‘', '’', '‚', '′':
			r = '\''
		case '“', '”', '„', '″':
			r = '"'
		case '\u200b', '\u200c', '\u200d', '\ufeff', '\u00ad':
			continue // zero-width and soft hyphens: invisible, and they split words for search
		}
		if unicode.IsSpace(r) || r == '\u00a0' {
			space = true
			continue
		}
		if r == utf8.RuneError || unicode.IsControl(r) {
			continue
		}
		if space && sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		space = false
		sb.WriteRune(r)
	}
	return sb.String()
}

// Abbreviations whose point does not end a sentence, lower case and without the point.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sen": true, "rep": true,
	"gov": true, "gen": true, "col": true, "lt": true, "sgt": true, "st": true, "jr": true,
	"sr": true, "inc": true, "ltd": true, "co": true, "corp": true, "no": true, "vs": true,
	"etc": true, "approx": true, "dept": true, "est": true, "fig": true, "jan": true, "feb": true,
	"mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true, "sept": true,
	"oct": true, "nov": true, "dec": true, "pres": true, "amb": true,
}

// Words that begin a sentence after a dotted abbreviation ends the one before: "... in the
// U.S. The Centers ..." is two sentences, "U.S. Drug Enforcement Administration" is one.
var sentenceStarters = map[string]bool{
	"The": true, "A": true, "An": true, "This": true, "That": true, "These": true, "Those": true,
	"It": true, "Its": true, "In": true, "On": true, "At": true, "But": true, "And": true,
	"However": true, "He": true, "She": true, "They": true, "We": true, "I": true, "Their": true,
	"His": true, "Her": true, "Today": true, "Despite": true, "While": true, "When": true,
	"After": true, "Before": true, "As": true, "Yet": true, "Still": true, "Meanwhile": true,
}

// sentences splits a normalised paragraph into its sentences, each trimmed. A sentence ends at
// ".", "!" or "?" (and any closing quotes or brackets after it) followed by a space, except
// inside a quotation or brackets, after an abbreviation, or after a single initial; a quotation
// of several sentences stays in the sentence that quotes it. Joined with single spaces, the
// sentences give the paragraph back.
func sentences(p string) []string {
	var out []string
	start, depth, inQuote := 0, 0, false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '(', '[':
			depth++
		case ')', ']':
			depth = max(depth-1, 0)
		case '"':
			inQuote = !inQuote
		case '.', '!', '?':
			end := i + 1
			for end < len(p) && (p[end] == '"' || p[end] == '\'' || p[end] == ')' || p[end] == '.' || p[end] == '!' || p[end] == '?') {
				if p[end] == '"' {
					inQuote = !inQuote
				}
				end++
			}
			if end >= len(p) || p[end] != ' ' || depth > 0 || inQuote {
				i = end - 1
				continue
			}
			if c == '.' && end == i+1 && !endsSentence(p[start:i], p[end+1:]) {
				continue
			}
			out = append(out, strings.TrimSpace(p[start:end]))
			start = end + 1
			i = end
		}
	}
	if rest := strings.TrimSpace(p[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

// endsSentence judges a point after before, with after following the space: not after an
// abbreviation or an initial, unless the next word plainly starts a sentence.
func endsSentence(before, after string) bool {
	word := before[strings.LastIndexAny(before, " (\"")+1:]
	next, _, _ := strings.Cut(after, " ")
	if next == "" {
		return true
	}
	if r, _ := utf8.DecodeRuneInString(next); unicode.IsLower(r) {
		return false // "approx. three" and "U.S. officials" go on
	}
	dotted := strings.Contains(word, ".")
	initial := utf8.RuneCountInString(word) == 1 && unicode.IsUpper([]rune(word)[0])
	if dotted || initial || abbreviations[strings.ToLower(word)] {
		return sentenceStarters[next]
	}
	return true
}

package importer

import (
	"encoding/json"
	"regexp"
	"strings"
)

// The draft is written so that the loader reads every sentence back exactly: Markdown's marks
// in the article's text are escaped, each paragraph is one line (a wrapped line could start
// with "-" or "1." and turn into a list), and YAML values are quoted where they need it.

var entityLike = regexp.MustCompile(`&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);`)

// escapeInline escapes what Markdown would read as markup in s, for the middle of a line.
func escapeInline(s string) string {
	var sb strings.Builder
	sb.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case '&':
			// An escaped "&" is still read as the start of an entity by the loader, which
			// resolves "&amp;" after unescaping; "&amp;" written for the "&" comes back as "&".
			if entityLike.MatchString(s[i:min(len(s), i+40)]) && entityLike.FindStringIndex(s[i:min(len(s), i+40)])[0] == 0 {
				sb.WriteString("&amp;")
			} else {
				sb.WriteByte(c)
			}
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

var (
	orderedStart = regexp.MustCompile(`^(\d{1,9})([.)])`)
	blockStart   = regexp.MustCompile(`^([-+=#]|    )`)
)

// escapeLine escapes s as a whole line of text: inline marks, and a start that would make it a
// list item, a heading or a rule.
func escapeLine(s string) string {
	s = escapeInline(s)
	if m := orderedStart.FindStringSubmatchIndex(s); m != nil {
		return s[:m[4]] + `\` + s[m[4]:]
	}
	if blockStart.MatchString(s) {
		return `\` + s
	}
	return s
}

var plainYAML = regexp.MustCompile(`^[A-Za-z0-9(][^:#{}\[\],&*!|>"%@` + "`" + `\\]*$`)

// yamlString writes s as a YAML scalar: plain where it is safe, double-quoted otherwise (a JSON
// string is a YAML double-quoted scalar).
func yamlString(s string) string {
	if plainYAML.MatchString(s) && !strings.HasSuffix(s, " ") && !isYAMLWord(s) {
		return s
	}
	q, _ := json.Marshal(s)
	return string(q)
}

// isYAMLWord reports words YAML would read as something other than a string.
func isYAMLWord(s string) bool {
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "y", "n":
		return true
	}
	return isDigitsOnly(strings.ReplaceAll(strings.ReplaceAll(s, "-", ""), ".", ""))
}

// tableRow writes cells as one pipe-table row, with the pipes in them escaped.
func tableRow(cells []string) string {
	var sb strings.Builder
	sb.WriteString("|")
	for _, c := range cells {
		sb.WriteString(" ")
		sb.WriteString(escapeInline(c))
		sb.WriteString(" |")
	}
	return sb.String()
}

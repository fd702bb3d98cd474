package bot_test

import (
	"os"
	"strings"
	"testing"
	"unicode"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/briefings"
)

// sourceArticle is the article the built-in briefing was written from.
const sourceArticle = "../briefings/testdata/seed-000_79d959bf3b0a6c77.txt"

// notClaims are the lines and sentences of the source that state nothing a user could ask for, each with why.
// Every other sentence of the source must be reachable through some command.
var notClaims = map[string]string{
	"This article provides a comprehensive, uniquely detailed breakdown of the current situation, offering American readers a clear view of why this rejection matters and what comes next.": "the site's boilerplate about its own article",
	"What Motivated Trump's Call to Send Troops into Mexico?":            "a heading: the section \"Why the U.S. asked\"",
	"Why Mexico Said No: Understanding the Troop Rejection":              "a heading: the section \"Why Mexico said no\"",
	"Comparing U.S. and Mexico: Different Approaches to Border Security": "a heading: the section \"Positions\"",
	"Here's a clear breakdown:":                                          "announces the table that follows",
	"U.S.–Mexico Border Cooperation Table":                               "the table's caption",
	"Key Issues | U.S. Position | Mexico Position |":                     "the table's header: the briefing heads its columns with the parties' names",
	"---|---|---|": "the table's rule",
	"What's Next for U.S.–Mexico Cooperation After the Troop Dispute?":    "a heading: the section \"What comes next\"",
	"Why Mexico Resists Foreign Troops: A History of Sovereignty Battles": "a heading: the section \"History\"",
	"The Real Stakes for Americans: Drug Crisis and National Security":    "a heading: the section \"Stakes\"",
	"Conclusion: Diplomacy or Division?":                                  "a heading: the section \"Conclusion\"",
}

// TestEverySourceClaimIsReachable walks the source article sentence by sentence and finds each
// claim, word for word, in what some command answers (as typed in the shell, rendered as text):
// the briefing's sections, the positions, the figures, the timeline; failing those, a search for
// the sentence itself.
func TestEverySourceClaimIsReachable(t *testing.T) {
	raw, err := os.ReadFile(sourceArticle)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := briefings.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	e, err := bot.New(lib, bot.Config{})
	if err != nil {
		t.Fatal(err)
	}
	b := e.DefaultBriefing()
	lines := []string{"/briefing", "/compare", "/facts", "/timeline"}
	for _, s := range b.Sections {
		lines = append(lines, "/briefing "+s.Slug)
	}
	for _, iss := range b.Issues {
		lines = append(lines, "/position "+iss.Slug)
	}
	var answers []string // each answer's words, padded so that matches fall on whole words
	for _, line := range lines {
		r := bottest.Line(e, line)
		if r.Status != bot.Answered {
			t.Fatalf("HandleLine(%q) = %v; want an answer", line, r.Status)
		}
		answers = append(answers, " "+claimWords(bottest.Text(r))+" ")
	}
	reachable := func(claim string) (string, bool) {
		want := " " + claimWords(claim) + " "
		for i, a := range answers {
			if strings.Contains(a, want) {
				return lines[i], true
			}
		}
		// Only the passages count: the answer's title repeats what was searched for.
		r := bottest.Line(e, "/search \""+strings.ReplaceAll(claim, "\"", "")+"\"")
		for _, b := range r.Blocks {
			if r.Status == bot.Answered && strings.Contains(" "+claimWords(b.Label+" "+b.Text)+" ", want) {
				return "/search", true
			}
		}
		return "", false
	}

	seen := map[string]bool{}
	for _, line := range strings.Split(plainQuotes(string(raw)), "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		if _, ok := notClaims[line]; ok {
			seen[line] = true
			continue
		}
		var claims []string
		if strings.Contains(line, " | ") { // a row of the positions table: every cell counts
			for _, cell := range strings.Split(line, "|") {
				if cell = strings.TrimSpace(cell); cell != "" {
					claims = append(claims, cell)
				}
			}
		} else {
			claims = sentences(line)
		}
		for _, c := range claims {
			if _, ok := notClaims[c]; ok {
				seen[c] = true
				continue
			}
			if by, ok := reachable(c); !ok {
				t.Errorf("no command answers with the source's claim:\n\t%s", c)
			} else if by == "/search" {
				t.Logf("reachable only through /search: %s", c)
			}
		}
	}
	for line, why := range notClaims {
		if !seen[line] {
			t.Errorf("notClaims lists a line the source does not have (%s):\n\t%s", why, line)
		}
	}
}

var quoteFolder = strings.NewReplacer("’", "'", "‘", "'", "“", "\"", "”", "\"")

func plainQuotes(s string) string { return quoteFolder.Replace(s) }

// claimWords reduces text to its words, lower case, one space apart: a claim is carried over when
// its words are, whatever the quotes, dashes and line breaks around them.
func claimWords(s string) string {
	s = strings.ReplaceAll(strings.ToLower(plainQuotes(s)), "'", "")
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// sentences splits a paragraph after ".", "?" or "!" (and a closing quote) before a capital, but
// not after "U.S.", which ends a sentence only sometimes: the two then count as one claim.
func sentences(p string) []string {
	var out []string
	start := 0
	for i := 0; i < len(p); i++ {
		if p[i] != '.' && p[i] != '?' && p[i] != '!' {
			continue
		}
		end := i + 1
		if end < len(p) && p[end] == '"' {
			end++
		}
		if end+1 >= len(p) || p[end] != ' ' || !(unicode.IsUpper(rune(p[end+1])) || p[end+1] == '"') {
			continue
		}
		if strings.HasSuffix(p[:i+1], "U.S.") {
			continue
		}
		out = append(out, strings.TrimSpace(p[start:end]))
		start = end + 1
	}
	if rest := strings.TrimSpace(p[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

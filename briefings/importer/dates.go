package importer

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Finding dates in running text is the importer's; reading a timeline label and ordering the
// timeline is the loader's (briefings' parseWhen): a date found here becomes a label the loader
// reads, and a label it refuses is taken out of the timeline with its reason.

const monthName = `(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)`

// dateAt reads the date that starts a string, most precise form first. It is tried only where a
// word may start a date (see dateStarts): run over a whole sentence, its many alternatives would
// be tried at every byte.
var dateAt = regexp.MustCompile(`^(?:` +
	`\d{1,2}(?:st|nd|rd|th)? ` + monthName + `,? \d{4}` +
	`|` + monthName + ` \d{1,2}(?:st|nd|rd|th)?, \d{4}` +
	`|` + monthName + ` \d{4}` +
	`|\d{4}-\d{2}-\d{2}` +
	`|\d{4} ?[–-] ?\d{4}` +
	`|(?:(?:early|mid|late)[ -])?\d{3}0s` +
	`|(?:later|earlier) this (?:year|month)` +
	`|(?:next|last) (?:year|month)` +
	`|(?:mid-)?` + monthName +
	`|(?:1[5-9]|20|21)\d{2}` +
	`)\b`)

var (
	monthAlone   = regexp.MustCompile(`^` + monthName + `$`)
	monthContext = regexp.MustCompile(`(?i)\b(?:in|since|until|by|from|on|of|last|this|next|early|late|mid-)\s*$`)
	futureWords  = regexp.MustCompile(`(?i)\b(?:will|scheduled|planned|plans|expected|upcoming|next|later)\b`)
)

// A dated is one date a sentence gives: its words as the sentence has them, and where.
type dated struct {
	label      string
	start, end int
}

// datesIn returns the dates of a sentence, in order. A month named alone counts only after a
// word that dates with it ("in March"); a four-digit number that counts something ("2025
// officers") is no date, which the loader could not tell, so only a year after a word that dates
// with it, or inside brackets, or at a clause's start counts.
func datesIn(s string) []dated {
	if !mayHoldDate(s) {
		return nil
	}
	var out []dated
	for _, start := range dateStarts(s) {
		if len(out) > 0 && start < out[len(out)-1].end {
			continue
		}
		m := dateAt.FindStringIndex(s[start:])
		if m == nil {
			continue
		}
		end := start + m[1]
		label := s[start:end]
		label = strings.TrimPrefix(label, "mid-")
		if monthAlone.MatchString(label) && !monthContext.MatchString(s[:start]) {
			continue // "may" and "march" are verbs too: a month alone counts after a dating word
		}
		if isDigitsOnly(label) && !yearContext(s, start, end) {
			continue
		}
		out = append(out, dated{label: label, start: start, end: end})
	}
	return out
}

// dateStarts lists where a word starts that may start a date: a digit, a capital (a month), or
// a word of a relative date.
func dateStarts(s string) []int {
	var at []int
	for i := 0; i < len(s); i++ {
		if i > 0 && isWordByte(s[i-1]) {
			continue
		}
		c := s[i]
		if c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' ||
			strings.HasPrefix(s[i:], "later ") || strings.HasPrefix(s[i:], "earlier ") ||
			strings.HasPrefix(s[i:], "next ") || strings.HasPrefix(s[i:], "last ") ||
			strings.HasPrefix(s[i:], "early ") || strings.HasPrefix(s[i:], "late ") ||
			strings.HasPrefix(s[i:], "mid-") {
			at = append(at, i)
		}
	}
	return at
}

// mayHoldDate is a quick look for what every date has, a digit or a dating word, so that the
// search of dateAt runs only on the sentences that may hold one.
func mayHoldDate(s string) bool {
	if strings.ContainsAny(s, "0123456789") || strings.Contains(s, " year") || strings.Contains(s, " month") {
		return true
	}
	for _, m := range monthNames {
		if strings.Contains(s, m[:3]) {
			return true
		}
	}
	return false
}

var monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

// yearContext says whether the four digits at s[start:end] read as a year.
func yearContext(s string, start, end int) bool {
	if end < len(s) && (s[end] == ',' && end+1 < len(s) && s[end+1] >= '0' && s[end+1] <= '9' || s[end] == '%') {
		return false // 2,500 or 2025%
	}
	before := strings.ToLower(strings.TrimRight(s[:start], " "))
	if strings.HasSuffix(before, "(") || before == "" || strings.HasSuffix(before, ",") {
		return true
	}
	for _, w := range []string{" in", " since", " until", " by", " from", " of", " during", " for",
		" through", " to", " and", " after", " before", " between"} {
		if strings.HasSuffix(" "+before, w) {
			return true
		}
	}
	return false
}

func isDigitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isoDate reads an absolute date of a dateline or a page's metadata as YYYY-MM-DD or YYYY-MM.
func isoDate(s string) (string, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "."))
	for _, layout := range []string{"2006-01-02", "January 2, 2006", "2 January 2006", "Jan. 2, 2006",
		"Jan 2, 2006", "Monday, January 2, 2006", "Monday 2 January 2006", "2006-01-02T15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	for _, layout := range []string{"January 2006", "2006-01"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01"), true
		}
	}
	return "", false
}

// latestMonth is the latest month or day an article names as past, as YYYY-MM or YYYY-MM-DD:
// news is written after what it reports, so it is the nearest the text comes to a date of its
// own when it has no dateline. Sentences about what is to come do not count.
func latestMonth(sents []string) (date, phrase string) {
	best := ""
	for _, s := range sents {
		if futureWords.MatchString(s) {
			continue
		}
		for _, d := range datesIn(s) {
			iso, ok := isoDate(strings.NewReplacer("st,", ",", "nd,", ",", "rd,", ",", "th,", ",").Replace(d.label))
			if !ok {
				continue
			}
			if iso > best || strings.HasPrefix(best, iso) && len(iso) > len(best) {
				best, phrase = iso, d.label
			}
		}
	}
	return best, phrase
}

// figureInText finds a figure: a number that counts or measures, with the words that qualify it
// ("over 70%", "$4.5 billion", "70,000").
var figureInText = regexp.MustCompile(`(?i)(?:\b(?:over|more than|nearly|almost|about|around|roughly|some|at least|up to|fewer than|less than|under|just over|just under) )?` +
	`(?:[$€£¥] ?)?\b\d[\d,]*(?:\.\d+)?(?: ?(?:%|percent|per cent)| (?:million|billion|trillion|thousand)\b)?`)

// figureIn returns the first figure of a sentence that is not part of one of its dates, nor
// part of a word ("COVID-19", "F-16").
func figureIn(s string, dates []dated) (string, bool) {
	if !strings.ContainsAny(s, "0123456789") {
		return "", false
	}
next:
	for _, m := range figureInText.FindAllStringIndex(s, -1) {
		for _, d := range dates {
			if m[0] < d.end && d.start < m[1] {
				continue next
			}
		}
		if m[0] > 0 && (isWordByte(s[m[0]-1]) || s[m[0]-1] == '-') {
			continue
		}
		fig := strings.TrimRight(s[m[0]:m[1]], ",.")
		if isDigitsOnly(fig) && len(fig) == 4 {
			if y, _ := strconv.Atoi(fig); y >= 1500 && y < 2200 {
				continue // a year the date finder left alone is not a figure either
			}
		}
		return fig, true
	}
	return "", false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// namedSource finds who a sentence says a figure comes from: an organisation written with its
// acronym ("The Centers for Disease Control and Prevention (CDC)"), or what follows
// "according to".
var (
	orgWithAcronym = regexp.MustCompile(`((?:[A-Z][\w.'&-]*(?: (?:of|for|and|on|the|de|del) )?\s?)+)\(([A-Z][A-Za-z]{1,7})\)`)
	accordingTo    = regexp.MustCompile(`(?i:according to) ((?:the )?[A-Z][\w.'&-]*(?: (?:(?:of|for|and|on|the|de) )*[A-Z][\w.'&-]*)*)`)
)

func namedSource(s string) (string, bool) {
	if m := orgWithAcronym.FindStringSubmatchIndex(s); m != nil {
		name := s[m[2]:m[1]] // the words and the acronym, as the sentence writes them
		for _, lead := range []string{"The ", "A ", "An "} {
			name = strings.TrimPrefix(name, lead)
		}
		if !strings.HasPrefix(name, "(") {
			return name, true
		}
	}
	if m := accordingTo.FindStringSubmatch(s); m != nil {
		return strings.TrimPrefix(strings.TrimSpace(m[1]), "the "), true
	}
	return "", false
}

package importer

import (
	"fmt"
	"regexp"
	"strings"

	"briefbot/briefings"
)

// frontMatter settles the draft's id, title, source, date and parties, noting each guess.
func (b *builder) frontMatter(opt Options) error {
	if b.table == nil {
		return ErrNoPositions
	}
	var sents []string
	for _, it := range b.items {
		if it.Kind == "sentence" {
			sents = append(sents, it.Text)
		}
	}
	if len(sents) == 0 {
		return ErrNoArticle
	}
	b.title = b.a.Title
	if b.title == "" {
		b.title = titleFrom(sents[0])
		b.note("title %q: the opening words of the lead's first sentence; the article has no title line", b.title)
	}
	b.id = opt.ID
	if b.id == "" {
		b.id = idFrom(b.title)
		if b.id == "" {
			b.id = "imported"
		}
	}
	b.source = b.a.Source
	if b.source == "" {
		b.source = b.name
		b.note("source: the article names none, so it is the file's name, %q; write the publication there", b.name)
	} else {
		b.item("source", lineOf(b.a.SourceFrom), b.a.Source)
	}
	b.date = b.a.Date
	switch {
	case b.date != "":
		b.note("date %s: from %s", b.date, b.a.DateFrom)
	default:
		var phrase string
		if b.date, phrase = latestMonth(sents); b.date != "" {
			b.note("date %s: the article has no dateline; it is the latest month the article reports (%q): check it", b.date, phrase)
		} else {
			b.note("no date: the article gives none, so dates without a year (\"March\", \"later this year\") stay out of the timeline")
		}
	}
	b.partiesFromHeader()
	b.note("aliases are left to you: add the words readers will type for each party and issue (see the comment in the front matter)")
	return nil
}

func lineOf(from string) int {
	var n int
	fmt.Sscanf(from, "line %d", &n)
	return n
}

// partiesFromHeader makes one party per column header after the issue column.
func (b *builder) partiesFromHeader() {
	ids := map[string]bool{}
	for c, h := range b.table.Header[1:] {
		name, short := b.partyName(h)
		if name == "" {
			name, short = fmt.Sprintf("Party %d", c+1), fmt.Sprintf("party-%d", c+1)
			b.note("column %d of the positions table has no header: its party is called %q until you name it", c+2, name)
		}
		id := briefings.Slug(short)
		if id == "" {
			id = fmt.Sprintf("party-%d", c+1)
		}
		for n := 2; ids[id]; n++ {
			id = fmt.Sprintf("%s-%d", briefings.Slug(short), n)
		}
		ids[id] = true
		if len([]rune(name)) > briefings.MaxName {
			name = string([]rune(name)[:briefings.MaxName])
		}
		b.parties = append(b.parties, briefings.Party{ID: id, Name: name})
		if name != h {
			b.note("party %q is read from the column header %q", name, h)
		}
	}
}

// Words that start a clause: the title of an article without one ends before the first of them.
var clauseStart = regexp.MustCompile(`,| (?:in|amid|as|after|that|which|while|with|and|to|on|over|for|because|despite) `)

// titleFrom cuts a title from the lead's first sentence: its words up to the first clause after
// the fourth word, so that "Mexico rejects Trump's U.S. troops plan in a pivotal moment that ..."
// gives "Mexico rejects Trump's U.S. troops plan". The words are the article's, only fewer.
func titleFrom(s string) string {
	s = strings.TrimRight(s, ".!?:; ")
	words := strings.Fields(s)
	if len(words) > 4 {
		after := len(strings.Join(words[:4], " "))
		if m := clauseStart.FindStringIndex(s[after:]); m != nil {
			s = s[:after+m[0]]
		}
	}
	if r := []rune(s); len(r) > briefings.MaxName {
		s = string(r[:briefings.MaxName])
		s = s[:max(strings.LastIndexByte(s, ' '), 1)]
	}
	return strings.TrimSpace(s)
}

// idFrom makes an id of a title: its slug, cut at a hyphen to the loader's limit.
func idFrom(title string) string {
	id := briefings.Slug(title)
	for len(id) > briefings.MaxID {
		i := strings.LastIndexByte(id[:briefings.MaxID], '-')
		if i <= 0 {
			return id[:briefings.MaxID]
		}
		id = id[:i]
	}
	return id
}

// A quotation worth showing is a whole one: it starts with a capital, as a fragment does not.
var quoted = regexp.MustCompile(`"([A-Z][^"]{7,})"`)

var speakerRun = regexp.MustCompile(`[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)+`)

// extras finds the key figures, the timeline and the quote among the article's sentences.
func (b *builder) extras() {
	yearless := regexp.MustCompile(`\d{4}`)
	for i := range b.items {
		it := &b.items[i]
		if it.Kind != "sentence" {
			continue
		}
		dates := datesIn(it.Text)
		if len(dates) > 0 {
			d := dates[0]
			if b.date == "" && !yearless.MatchString(d.label) {
				it.Note = fmt.Sprintf("not in the timeline: %q needs the briefing's date", d.label)
			} else {
				b.events = append(b.events, &entry{label: d.label, item: i})
			}
		}
		if fig, ok := figureIn(it.Text, dates); ok {
			src, named := namedSource(it.Text)
			if !named {
				src = b.source
			}
			b.facts = append(b.facts, &entry{label: fig, source: src, item: i})
		}
		if b.quote == nil {
			if m := quoted.FindStringSubmatchIndex(it.Text); m != nil && len(strings.Fields(it.Text[m[2]:m[3]])) >= 3 {
				b.quote = &quotation{text: strings.TrimRight(it.Text[m[2]:m[3]], ",;: "), item: i}
				if who := speakerRun.FindString(it.Text[:m[0]]); who != "" {
					b.quote.speaker = who
				}
			}
		}
	}
}

// orderTimeline puts the timeline in the order the loader gives it, oldest first, and keeps
// which entries the loader marks as still to come.
func (b *builder) orderTimeline(lb *briefings.Briefing) {
	var kept []*entry
	for _, e := range b.events {
		if e.refused == "" {
			kept = append(kept, e)
		}
	}
	var ordered []*entry
	used := make([]bool, len(kept))
	for _, ev := range lb.Events {
		for i, e := range kept {
			if !used[i] && e.label == ev.When && b.items[e.item].Text == ev.Text {
				used[i] = true
				e.upcoming = ev.Upcoming
				ordered = append(ordered, e)
				break
			}
		}
	}
	for i, e := range kept { // never lose one, whatever the loader made of it
		if !used[i] {
			ordered = append(ordered, e)
		}
	}
	for _, e := range b.events {
		if e.refused != "" {
			ordered = append(ordered, e)
		}
	}
	b.events = ordered
}

package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"briefbot/bot"
	"briefbot/bot/bottest"
)

// codePoints is a room that counts a block's label and text in code points, at most budget of
// them a page and parts blocks (0: any number).
func codePoints(budget, parts int) bot.Room {
	return bot.Room{Budget: budget, Parts: parts, Measure: func(b bot.Block) (int, int) {
		return utf8.RuneCountInString(b.Label) + utf8.RuneCountInString(b.Text), 1
	}}
}

func measured(room bot.Room, blocks []bot.Block) int {
	n := 0
	for _, b := range blocks {
		s, _ := room.Measure(b)
		n += s
	}
	return n
}

// TestSearchPages: a search of many hits comes eight to a page, with the lines of the pages
// either side; the last page is the last hits; the shell's room takes every hit at once.
func TestSearchPages(t *testing.T) {
	e := bottest.EngineFrom(t, bottest.TunnelLog(20))
	room := codePoints(100_000, 0)
	tests := []struct {
		line           string
		page, pages    int
		first, last    string // how the first and last hits shown begin
		previous, next string
	}{
		{"/search tunnels", 1, 3, "Site 1:", "Site 8:", "", "/search words:tunnels page:2"},
		{"/search tunnels page:2", 2, 3, "Site 9:", "Site 16:", "/search words:tunnels page:1", "/search words:tunnels page:3"},
		{"/search words:tunnels page:3", 3, 3, "Site 17:", "Site 20:", "/search words:tunnels page:2", ""},
		{"/search page:2 tunnels", 2, 3, "Site 9:", "Site 16:", "/search words:tunnels page:1", "/search words:tunnels page:3"},
		{"/briefbot search tunnels page:2", 2, 3, "Site 9:", "Site 16:", "/search words:tunnels page:1", "/search words:tunnels page:3"},
	}
	for _, tc := range tests {
		r := bottest.LineIn(e, tc.line, member, room)
		if r.Status != bot.Answered || r.Page != tc.page || r.Pages != tc.pages {
			t.Errorf("Line(%q) = %s, page %d of %d; want page %d of %d", tc.line, r.Status, r.Page, r.Pages, tc.page, tc.pages)
			continue
		}
		if got := r.Blocks[0].Text; !strings.HasPrefix(got, tc.first) {
			t.Errorf("Line(%q) opens with %q; want %q", tc.line, got, tc.first)
		}
		if got := r.Blocks[len(r.Blocks)-1].Text; !strings.HasPrefix(got, tc.last) {
			t.Errorf("Line(%q) ends with %q; want %q", tc.line, got, tc.last)
		}
		if r.Previous != tc.previous || r.Next != tc.next {
			t.Errorf("Line(%q) turns to %q and %q; want %q and %q", tc.line, r.Previous, r.Next, tc.previous, tc.next)
		}
		if want := fmt.Sprintf("Page %d of %d", tc.page, tc.pages); r.PageLine() != want {
			t.Errorf("Line(%q).PageLine() = %q; want %q", tc.line, r.PageLine(), want)
		}
	}
	if r := bottest.Line(e, "/search tunnels"); r.Pages != 0 || len(r.Blocks) != 20 {
		t.Errorf("the shell's /search tunnels: page %d of %d, %d blocks; want all 20 hits at once", r.Page, r.Pages, len(r.Blocks))
	}
	// A small room: fewer hits to a page, the same hits in all.
	small := codePoints(400, 0)
	seen := 0
	for line := "/search tunnels"; line != ""; {
		r := bottest.LineIn(e, line, member, small)
		if used := measured(small, r.Blocks); used > small.Budget {
			t.Errorf("Line(%q) holds %d of a room of %d", line, used, small.Budget)
		}
		seen += len(r.Blocks)
		line = r.Next
	}
	if seen != 20 {
		t.Errorf("the pages of a small room hold %d hits; want 20", seen)
	}
	// A room of a few blocks bounds them too.
	if r := bottest.LineIn(e, "/search tunnels", member, codePoints(100_000, 3)); len(r.Blocks) != 3 || r.Pages != 7 {
		t.Errorf("a room of 3 parts: %d blocks, %d pages; want 3 and 7", len(r.Blocks), r.Pages)
	}
}

// TestPagesRefused: a page that is not there, typed or forged into a button, is refused
// privately, saying which pages there are; nothing panics.
func TestPagesRefused(t *testing.T) {
	e := bottest.EngineFrom(t, bottest.TunnelLog(20))
	room := codePoints(100_000, 0)
	for _, tc := range []struct{ line, title string }{
		{"/search tunnels page:0", "“0” is not a page"},
		{"/search tunnels page:99", "No page 99"},
		{"/search tunnels page:abc", "“abc” is not a page"},
		{"/search tunnels page:-1", "“-1” is not a page"},
		{"/search tunnels page:99999999999999999999", "“99999999999999999999” is not a page"},
		{"/timeline page:2", "No page 2"},
		{"/facts briefing:tunnel-log page:4", "No page 4"},
	} {
		r := bottest.LineIn(e, tc.line, member, room)
		if r.Status != bot.Invalid || !r.Private || r.Title != tc.title || r.Share != "" {
			t.Errorf("Line(%q) = %s %q, private %v, share %q; want a private refusal %q", tc.line, r.Status, r.Title, r.Private, r.Share, tc.title)
		}
	}
	if r := bottest.LineIn(e, "/search tunnels page:99", member, room); !strings.Contains(bottest.Text(r), "3 pages") {
		t.Errorf("the refusal of page 99 does not say there are 3: %s", bottest.Text(r))
	}
	// Commands that are not paged take "page:" as the words they always did.
	if r := bottest.LineIn(e, "/position page:2", member, room); r.Status == bot.Answered {
		t.Errorf("/position page:2 answered %q", r.Title)
	}
}

// TestPagesStayInTheirBriefing: the lines of a timeline's pages name its briefing, so a page
// turned after the default changes still shows the same briefing.
func TestPagesStayInTheirBriefing(t *testing.T) {
	var events strings.Builder
	events.WriteString("\n## Timeline\n")
	for i := range 30 {
		fmt.Fprintf(&events, "- **%d May 2025**: Event %d, told at some length so that a page fills.\n", i+1, i)
	}
	e := engineOver(t, tunnelWatch, bottest.TunnelLog(2)+events.String())
	room := codePoints(600, 0)
	r := bottest.LineIn(e, "/timeline tunnel-log", member, room)
	if r.Pages < 2 || !strings.Contains(r.Next, "briefing:tunnel-log") || !strings.HasPrefix(r.Next, "/timeline ") {
		t.Fatalf("/timeline tunnel-log: page %d of %d, next %q; want a line to /timeline in tunnel-log", r.Page, r.Pages, r.Next)
	}
	next := bottest.LineIn(e, r.Next, member, room)
	if next.Page != 2 || next.Briefing != "Tunnel log" {
		t.Errorf("Line(%q) = page %d of %q; want page 2 of Tunnel log", r.Next, next.Page, next.Briefing)
	}
	// /briefing's timeline section turns its pages as /timeline.
	if r := bottest.LineIn(e, "/briefing timeline tunnel-log", member, room); !strings.HasPrefix(r.Next, "/timeline briefing:tunnel-log page:2") {
		t.Errorf("/briefing timeline tunnel-log turns to %q; want /timeline's page 2", r.Next)
	}
}

// TestPageIsHidden: nobody is offered the page option: not the usage, not /help, not the
// options a platform registers.
func TestPageIsHidden(t *testing.T) {
	e := newEngine(t)
	for _, c := range e.Commands() {
		if strings.Contains(c.Usage(), "page") || strings.Contains(c.Hint(), "page") {
			t.Errorf("%s: usage %q offers the page", c.Name, c.Usage())
		}
		for _, o := range c.Options {
			if o.Name == "page" {
				t.Errorf("%s lists the page among its options", c.Name)
			}
		}
		if got := bottest.Text(bottest.Line(e, "/help "+c.Name)); strings.Contains(got, "page") {
			t.Errorf("/help %s mentions the page:\n%s", c.Name, got)
		}
	}
}

// TestShare: a private answer that changes nothing carries its line to share; public answers,
// errors and /digest do not; Shared makes it public and names the sharer.
func TestShare(t *testing.T) {
	e := newEngine(t)
	for _, tc := range []struct{ line, share string }{
		{"/help", "/help"},
		{"/help position", "/help command:position"},
		{"/changes", "/changes"},
		{"/position sovereignty", ""},
		{"/position banana", ""},
		{"/digest", ""},
		{"/digest status", ""},
		{"/nonsense", ""},
	} {
		if r := bottest.LineAs(e, tc.line, member); r.Share != tc.share {
			t.Errorf("Line(%q).Share = %q; want %q", tc.line, r.Share, tc.share)
		}
	}
	r := bottest.LineAs(e, "/help", member)
	buttons := r.Buttons()
	if last := buttons[len(buttons)-1]; last.Kind != bot.ShareAnswer || last.Command != "/help" || last.Label != bot.ShareLabel {
		t.Errorf("the last button of /help = %+v; want to share it", last)
	}
	shared := bot.Shared(r, bot.Sharer{User: "1", Name: "mason"})
	if shared.Private || shared.Share != "" || shared.SharedBy == nil || shared.SharedBy.User != "1" {
		t.Errorf("Shared(/help) = private %v, share %q, by %+v; want public, by user 1", shared.Private, shared.Share, shared.SharedBy)
	}
	for _, b := range shared.Buttons() {
		if b.Kind == bot.ShareAnswer {
			t.Errorf("a shared answer offers to share again: %+v", b)
		}
	}
	// The line read back is the same request.
	for _, line := range []string{"/help command:position", "/search words:tunnels page:2"} {
		req, err := e.Parse(line)
		if err != nil || req.Line() != line {
			t.Errorf("Parse(%q).Line() = %q, %v; want it back", line, req.Line(), err)
		}
	}
}

// TestPagesKeepHeadings: a page never ends on a heading, repeats the heading of a list it
// continues, and repeats none where a new list begins.
func TestPagesKeepHeadings(t *testing.T) {
	items := func(n int) []bot.Block {
		var out []bot.Block
		for i := range n {
			out = append(out, bot.Block{Kind: bot.Item, Text: fmt.Sprint("item ", i)})
		}
		return out
	}
	var blocks []bot.Block
	blocks = append(blocks, bot.Block{Kind: bot.Heading, Text: "A"})
	blocks = append(blocks, items(3)...)
	blocks = append(blocks, bot.Block{Kind: bot.Heading, Text: "B"})
	blocks = append(blocks, items(4)...)
	for _, tc := range []struct {
		parts int
		want  []string // each page's headings
	}{
		{4, []string{"A", "B", "B (continued)"}},                  // A and its 3; B and 3; the last of B
		{3, []string{"A", "A (continued)", "B", "B (continued)"}}, // A 2; A 1; B 2; B 2
	} {
		pages := bot.Paginate(blocks, codePoints(1000, tc.parts), 0)
		var got []string
		for _, p := range pages {
			if p[len(p)-1].Kind == bot.Heading {
				t.Errorf("parts %d: a page ends on heading %q", tc.parts, p[len(p)-1].Text)
			}
			for _, b := range p {
				if b.Kind == bot.Heading {
					got = append(got, b.Text)
				}
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("parts %d: headings %q; want %q", tc.parts, got, tc.want)
		}
	}
}

package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"briefbot/briefings"
)

// Long answers come in pages, one message each: a page is a stretch of an answer's body that
// fits one message of the platform it goes to, and buttons turn to the pages either side. The
// adapter knows how much a message holds (its Room); the engine cuts the list by it. The page
// asked for rides in the button as a command line the user could type, "/search tunnels
// page:3", so a button reaches nothing typing could not: the engine reads it like any, and
// answers a page that is not there with a private refusal.

// pageOption is the option every paged command takes by name, never by position: it is not in
// Options, so registration, usage hints and /help leave it out.
const pageOption = "page"

// A Room is how much of an answer's body one message holds on a platform, as its adapter
// measures: Measure says what a block takes of Budget and how many of Parts (Slack's blocks, say)
// once rendered. The zero Room holds everything, as a terminal does.
type Room struct {
	Measure func(Block) (size, parts int)
	Budget  int // what a page's blocks may take in all, as Measure counts
	Parts   int // how many parts a page may hold; 0 for no bound
}

// unbounded reports whether the room holds any answer whole.
func (r Room) unbounded() bool { return r.Measure == nil || r.Budget <= 0 }

// continued marks a heading repeated at the top of a page whose list began on an earlier one.
const continued = " (continued)"

// paginate cuts blocks into pages that each fit room, with at most perPage items (0: no
// bound); a room that holds everything takes them on one page, as a terminal does. A heading
// never ends a page: it moves to the next, and a page that begins inside a heading's list
// repeats that heading. Every page holds at least one block, so a block too large for any page
// is a page of its own, which the renderer shortens.
func paginate(blocks []Block, room Room, perPage int) [][]Block {
	if len(blocks) == 0 || room.unbounded() {
		return [][]Block{blocks}
	}
	var pages [][]Block
	var page []Block
	var heading *Block // the heading whose list is under way
	size, parts, items := 0, 0, 0
	measure := room.Measure
	fits := func(s, p int) bool {
		return size+s <= room.Budget && (room.Parts <= 0 || parts+p <= room.Parts)
	}
	// flush closes the page before next.
	flush := func(next Block) {
		// A heading left at the foot of a page goes over with its list.
		var carried []Block
		for len(page) > 0 && page[len(page)-1].Kind == Heading {
			carried = append([]Block{page[len(page)-1]}, carried...)
			page = page[:len(page)-1]
		}
		if len(page) > 0 {
			pages = append(pages, page)
		}
		page, size, parts, items = nil, 0, 0, 0
		for _, h := range carried {
			s, p := measure(h)
			page, size, parts = append(page, h), size+s, parts+p
		}
		if len(carried) == 0 && heading != nil && next.Kind == Item {
			h := *heading
			h.Text += continued
			s, p := measure(h)
			page, size, parts = append(page, h), size+s, parts+p
		}
	}
	for i, b := range blocks {
		s, p := measure(b)
		full := perPage > 0 && b.Kind == Item && items == perPage
		if (full || !fits(s, p)) && hasBody(page) {
			flush(b)
		}
		page = append(page, b)
		size, parts = size+s, parts+p
		switch b.Kind {
		case Item:
			items++
		case Heading:
			heading = &blocks[i]
		default:
			heading = nil // a paragraph after a list closes it
		}
	}
	if hasBody(page) || len(pages) == 0 {
		pages = append(pages, page)
	}
	return pages
}

// hasBody reports whether a page holds more than headings.
func hasBody(page []Block) bool {
	return slices.ContainsFunc(page, func(b Block) bool { return b.Kind != Heading })
}

// pageNumber reads the page a request asks for: 1 when it names none, false when what it names
// is no page number at all.
func pageNumber(req Request) (int, bool) {
	q := req.Option(pageOption)
	if q == "" {
		return 1, true
	}
	n, err := strconv.Atoi(q)
	return n, err == nil && n >= 1
}

// paged lays r's body out on pages that fit the request's room and returns the page the request
// asks for, with the lines of the pages either side. lead stays on the first page alone;
// perPage bounds the items on a page (0: no bound). A page that is not there is answered with
// a private refusal that says which pages are.
func paged(r Reply, req Request, lead int, perPage int) Reply {
	n, ok := pageNumber(req)
	if !ok {
		return Reply{Status: Invalid, Private: true, Title: quote(req.Option(pageOption)) + " is not a page",
			Blocks: []Block{{Kind: Paragraph, Text: "Pages are numbered from 1."}}}
	}
	lead = min(lead, len(r.Blocks))
	head, body := r.Blocks[:lead], r.Blocks[lead:]
	pages := paginate(body, roomAfter(req.Room, head), perPage)
	if n > len(pages) {
		return Reply{Status: Invalid, Private: true, Title: fmt.Sprintf("No page %d", n),
			Blocks: []Block{{Kind: Paragraph, Text: fmt.Sprintf("This answer has %d %s.", len(pages), plural(len(pages), "page", "pages"))}}}
	}
	if len(pages) == 1 {
		return r
	}
	var blocks []Block
	if n == 1 {
		blocks = append(blocks, head...)
	}
	r.Blocks = append(blocks, pages[n-1]...)
	r.Page, r.Pages = n, len(pages)
	if n > 1 {
		r.Previous = req.lineAt(n - 1)
	}
	if n < len(pages) {
		r.Next = req.lineAt(n + 1)
	}
	return r
}

// roomAfter is what room leaves for the list once head is placed, on the first page.
func roomAfter(room Room, head []Block) Room {
	if room.unbounded() {
		return room
	}
	for _, b := range head {
		s, p := room.Measure(b)
		room.Budget -= s
		if room.Parts > 0 {
			room.Parts = max(room.Parts-p, 1)
		}
	}
	room.Budget = max(room.Budget, 1)
	return room
}

// Line is the request as a command line that asks for it again, options by name in the table's
// order: "/search words:tunnels page:2". Buttons carry it, and Parse reads it back to the same
// request.
func (r Request) Line() string {
	var sb strings.Builder
	sb.WriteString("/" + r.Command.Name)
	for _, o := range r.Command.Options {
		if v := r.Option(o.Name); v != "" {
			sb.WriteString(" " + o.Name + ":" + v)
		}
	}
	if v := r.Option(pageOption); v != "" && r.Command.Paged {
		sb.WriteString(" " + pageOption + ":" + v)
	}
	return sb.String()
}

// lineAt is the request's line asking for page n, page 1 named too: a button's line says which
// page it turns to.
func (r Request) lineAt(n int) string {
	options := make(map[string]string, len(r.Options)+1)
	for k, v := range r.Options {
		options[k] = v
	}
	options[pageOption] = strconv.Itoa(n)
	r.Options = options
	return r.Line()
}

// about is the request naming briefing b by its id, so that the lines of its pages turn
// through b whichever briefing is the default when they are pressed.
func (r Request) about(b *briefings.Briefing) Request {
	options := make(map[string]string, len(r.Options)+1)
	for k, v := range r.Options {
		options[k] = v
	}
	options["briefing"] = b.ID
	r.Options = options
	return r
}

// PageLine is how an answer says where its page is among the others: "Page 2 of 5"; "" for an
// answer of one page.
func (r Reply) PageLine() string {
	if r.Pages < 2 {
		return ""
	}
	return fmt.Sprintf("Page %d of %d", r.Page, r.Pages)
}

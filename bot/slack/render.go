package slack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	slackapi "github.com/slack-go/slack"

	"briefbot/bot"
	"briefbot/internal/textfit"
)

// Block Kit limits, from Slack's block reference. Going over any of them makes Slack refuse the
// whole message, so the renderer splits or shortens instead.
const (
	MaxBlocks        = 50 // in one message
	maxSectionText   = 3000
	maxFields        = 10
	maxFieldText     = 2000
	maxHeaderText    = 150
	maxContextText   = 3000
	maxActionButtons = 5
	maxButtonText    = 75
	maxButtonValue   = 2000
	maxActionBlocks  = 5 // our own bound, so actions can never crowd out the answer
	maxFallbackText  = 3000
)

// Table block limits, from Slack's table block reference (the total, from its usage notes). A
// grid over any of them keeps the sections layout, which has none of these bounds, rather than
// have Slack refuse the whole message.
const (
	maxTableRows  = 100    // the header row among them
	maxTableCells = 20     // in one row
	maxTableText  = 10_000 // across all the cells of the table
	// Slack documents no bound for one cell: a field's, the nearest the renderer knows, keeps a
	// position that fits today's layout fitting the table too.
	maxCellText = maxFieldText
)

// actionPrefix starts the action_id of every button we send, so a press on anything else is ignored.
const actionPrefix = "briefbot-"

// A Message is a Slack message as a slash-command response, a response_url post or a Socket Mode
// ack payload. Our own type rather than slackapi.Msg, whose zero fields still marshal. The
// preview reads it as the renderer leaves it.
type Message struct {
	ResponseType string `json:"response_type,omitempty"`
	// ReplaceOriginal is set false on response_url posts so a button answer is a new message
	// instead of replacing the one whose button was pressed.
	ReplaceOriginal *bool   `json:"replace_original,omitempty"`
	Text            string  `json:"text"`
	Blocks          []block `json:"blocks,omitempty"`
}

// block is one Block Kit block in the shapes briefbot sends: header, section, context, actions,
// table. It is ours rather than slack-go's: their interface-typed blocks and self-marshalling
// elements cost a third of every answer, and escaped <, > and & where the JSON is meant to be
// read. Field order follows Slack's documentation, as slack-go writes it.
type block struct {
	Type           string          `json:"type"`
	Text           *TextObject     `json:"text,omitempty"`
	BlockID        string          `json:"block_id,omitempty"`
	Fields         []TextObject    `json:"fields,omitempty"`
	Elements       []any           `json:"elements,omitempty"` // TextObject in a context, Button in actions
	Rows           [][]TableCell   `json:"rows,omitempty"`     // a table's, its header row first
	ColumnSettings []ColumnSetting `json:"column_settings,omitempty"`
}

// A TextObject is Block Kit's text: "mrkdwn", escaped as escape does, or "plain_text".
type TextObject struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Verbatim bool   `json:"verbatim,omitempty"`
}

// A Button runs the command line in its Value when pressed.
type Button struct {
	Type     string     `json:"type"`
	Text     TextObject `json:"text"`
	ActionID string     `json:"action_id"`
	Value    string     `json:"value"`
	Style    string     `json:"style,omitempty"` // "primary" for the one button a reader is most likely to want
}

// A TableCell is one cell of a table block: "raw_text", whose Text Slack shows as it is, never
// reading it as mrkdwn, or "rich_text", for the bold header row. Either way the words are literal:
// a cell can hold no mention or link, so its text is not escaped.
type TableCell struct {
	Type     string            `json:"type"`
	Text     string            `json:"text,omitempty"`
	Elements []richTextSection `json:"elements,omitempty"`
}

// Words are the cell's text as Slack shows it, without its style: for the preview.
func (c TableCell) Words() string {
	if c.Type != "rich_text" {
		return c.Text
	}
	var sb strings.Builder
	for _, section := range c.Elements {
		for _, e := range section.Elements {
			sb.WriteString(e.Text)
		}
	}
	return sb.String()
}

// Header reports whether the cell is a header's, shown bold.
func (c TableCell) Header() bool { return c.Type == "rich_text" }

// richTextSection and richText are the little of rich text a bold cell needs.
type richTextSection struct {
	Type     string     `json:"type"`
	Elements []richText `json:"elements"`
}

type richText struct {
	Type  string     `json:"type"`
	Text  string     `json:"text"`
	Style *textStyle `json:"style,omitempty"`
}

type textStyle struct {
	Bold bool `json:"bold,omitempty"`
}

// A ColumnSetting says how a table's column is drawn.
type ColumnSetting struct {
	Align     string `json:"align,omitempty"`
	IsWrapped bool   `json:"is_wrapped,omitempty"`
}

func headerBlock(text string) block { return block{Type: "header", Text: plain(text)} }

func contextBlock(text string) block {
	return block{Type: "context", Elements: []any{*mrkdwn(text)}}
}

// Response is the message briefbot answers a slash command with: r rendered within Slack's limits.
// It never pings: r.Mention is a digest post's alone (postMessage), and an answer to a command
// leaves it out whatever it holds.
func Response(r bot.Reply) Message { return render(r) }

// ResponseJSON is Response as indented JSON: what `briefbot ask --format slack` prints.
func ResponseJSON(r bot.Reply) ([]byte, error) { return marshal(Response(r), "  ") }

// encode is a message as it goes to Slack: compact.
func encode(m Message) ([]byte, error) { return marshal(m, "") }

// marshal writes <, > and & as themselves: text is already escaped for Slack, and the JSON is
// meant to be read.
func marshal(v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode slack message: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// postMessage is r as a digest's post: rendered as any reply, and opened by the mention of
// r.Mention's user group, in the text notifications show and in a first block. The mention is
// written here and nowhere else: everything else is escaped, so nothing typed can ping. A
// Mention that is not a user group id is refused for good, before it could reach the message.
func postMessage(r bot.Reply) (Message, error) {
	if r.Mention == "" {
		return render(r), nil
	}
	if !ValidMention(r.Mention) {
		return Message{}, &bot.PostError{Permanent: true, Code: "invalid_mention",
			Err: errors.New("slack: the mention is not a user group id (S...)")}
	}
	return renderPinging(r, "<!subteam^"+r.Mention+">"), nil
}

// render turns a reply into Block Kit within Slack's limits. It pings no one.
func render(r bot.Reply) Message { return renderPinging(r, "") }

// renderPinging is render with ping, a mention written for Slack, ahead of the rest.
func renderPinging(r bot.Reply, ping string) Message {
	// Slack takes one table block a message: the reply's table, or else its fields side by side.
	fields, table := fieldSections(r.Fields), tableSections(r.Table)
	var drawn *grid
	if g, ok := tableGrid(r.Table); ok {
		table, drawn = []block{g.block()}, &g
	} else if g, ok := fieldGrid(r.Fields); ok {
		fields, drawn = []block{g.block()}, &g
	}

	m := Message{ResponseType: slackapi.ResponseTypeInChannel, Text: fallbackText(r, drawn)}
	if r.Private {
		m.ResponseType = slackapi.ResponseTypeEphemeral
	}

	var head, tail []block
	if ping != "" {
		m.Text = ping + " " + shorten(m.Text, maxFallbackText-textLen(ping)-1)
		head = append(head, section(ping))
	}
	if by := sharer(r.SharedBy); by != "" {
		head = append(head, contextBlock(bot.SharedLine(by)))
	}
	if t := strings.TrimSpace(r.Title); t != "" {
		head = append(head, headerBlock(shorten(escape(t), maxHeaderText)))
	}
	if t := strings.TrimSpace(r.Briefing); t != "" && t != strings.TrimSpace(r.Title) {
		head = append(head, contextBlock(shorten(escape(t), maxContextText)))
	}
	// The page goes before the source, where it is seen.
	if t := strings.TrimSuffix(pageAndSource(r.PageLine(), strings.TrimSpace(r.Footer)), " · "); t != "" {
		tail = append(tail, contextBlock(shorten(escape(t), maxContextText)))
	}
	tail = append(tail, actionBlocks(r.Buttons())...)

	room := MaxBlocks - len(head) - len(tail)
	body := bodyTexts(r.Blocks)
	rest := append(fields, table...)
	if len(body)+len(rest) > room {
		// Fewer, fuller sections before cutting anything.
		body = pack(body, maxSectionText)
	}
	content := make([]block, 0, len(body)+len(rest))
	for _, t := range body {
		content = append(content, section(t))
	}
	content = append(content, rest...)
	if len(content) > room {
		content = append(content[:room-1], section(textfit.Shortened))
	}

	m.Blocks = make([]block, 0, len(head)+len(content)+len(tail))
	m.Blocks = append(m.Blocks, head...)
	m.Blocks = append(m.Blocks, content...)
	m.Blocks = append(m.Blocks, tail...)
	return m
}

// fallbackText is the message's top-level text: what notifications and screen readers show. With
// a table drawn it carries the table too, as lines, for the clients that cannot draw one.
func fallbackText(r bot.Reply, drawn *grid) string {
	t := strings.TrimSpace(r.Title)
	if t == "" && len(r.Blocks) > 0 {
		t = strings.TrimSpace(r.Blocks[0].Text)
	}
	if t == "" {
		t = "briefbot"
	}
	if b := strings.TrimSpace(r.Briefing); b != "" && b != t {
		t += " (" + b + ")"
	}
	t = escape(t)
	if drawn != nil {
		t += "\n\n" + drawn.lines()
	}
	return shorten(t, maxFallbackText)
}

// bodyTexts renders the body blocks as mrkdwn, one section text per block, split where one is too
// long for a section.
func bodyTexts(blocks []bot.Block) []string {
	var out []string
	for _, b := range blocks {
		text := strings.TrimSpace(b.Text)
		switch b.Kind {
		case bot.Item:
			lead := "• "
			if l := strings.TrimSpace(b.Label); l != "" {
				lead = "*" + escape(l) + "*: "
			}
			out = append(out, split(lead+strings.TrimSpace(b.Marked(escape, "*", "*", dateToken)), maxSectionText)...)
		case bot.Quote:
			var lines []string
			for _, line := range strings.Split(text, "\n") {
				// The marker is added after escaping so that it stays a quote.
				for _, part := range split(escape(strings.TrimSpace(line)), maxSectionText-2) {
					lines = append(lines, "> "+part)
				}
			}
			out = append(out, pack(lines, maxSectionText)...)
		case bot.Heading:
			if text != "" {
				out = append(out, split("*"+escape(text)+"*", maxSectionText)...)
			}
		default:
			if text != "" {
				out = append(out, split(escape(text), maxSectionText)...)
			}
		}
	}
	return out
}

// fieldSections shows inline fields side by side, up to ten to a section, and every other field
// as a section of its own.
func fieldSections(fields []bot.Field) []block {
	var out []block
	var row []TextObject
	flush := func() {
		if len(row) > 0 {
			out = append(out, block{Type: "section", Fields: row})
			row = nil
		}
	}
	for _, f := range fields {
		text := labelled(f.Name, f.Value)
		if text == "" {
			continue
		}
		if !f.Inline {
			flush()
			for _, t := range split(text, maxSectionText) {
				out = append(out, section(t))
			}
			continue
		}
		if len(row) == maxFields {
			flush()
		}
		row = append(row, *mrkdwn(shorten(text, maxFieldText)))
	}
	flush()
	return out
}

// tableSections shows a table as one section per row: the first cell as its text, the others as
// fields headed by their column.
func tableSections(t *bot.Table) []block {
	if t == nil {
		return nil
	}
	var out []block
	for _, row := range t.Rows {
		if len(row) == 0 {
			continue
		}
		var text *TextObject
		if s := strings.TrimSpace(row[0]); s != "" {
			text = mrkdwn(shorten("*"+escape(s)+"*", maxSectionText))
		}
		var fields []TextObject
		for j := 1; j < len(row); j++ {
			col := ""
			if j < len(t.Columns) {
				col = t.Columns[j]
			}
			if f := labelled(col, row[j]); f != "" {
				fields = append(fields, *mrkdwn(shorten(f, maxFieldText)))
			}
		}
		if len(fields) == 0 {
			if text != nil {
				out = append(out, block{Type: "section", Text: text})
			}
			continue
		}
		// More columns than a section holds continue in sections of fields only.
		for len(fields) > 0 {
			n := min(len(fields), maxFields)
			out = append(out, block{Type: "section", Text: text, Fields: fields[:n]})
			fields, text = fields[n:], nil
		}
	}
	return out
}

// A grid is what a table block shows: a header row over rows of cells, every row as wide as the
// widest, each cell trimmed and never empty. keyed says the first column names its row, as an
// issue names a row of positions.
type grid struct {
	header []string
	rows   [][]string
	keyed  bool
}

// tableGrid is t as a table block shows it; ok is false when it has no row or would not fit one.
func tableGrid(t *bot.Table) (g grid, ok bool) {
	if t == nil {
		return grid{}, false
	}
	var rows [][]string
	for _, row := range t.Rows {
		if len(row) > 0 {
			rows = append(rows, row)
		}
	}
	return newGrid(t.Columns, rows, true)
}

// fieldGrid is fields as a table of one row, headed by their names: only when every field sits
// side by side, and there are two or more to set side by side. Blank fields are left out, as
// the sections leave them.
func fieldGrid(fields []bot.Field) (g grid, ok bool) {
	var names, values []string
	for _, f := range fields {
		if !f.Inline {
			return grid{}, false
		}
		if strings.TrimSpace(f.Name) != "" || strings.TrimSpace(f.Value) != "" {
			names, values = append(names, f.Name), append(values, f.Value)
		}
	}
	if len(names) < 2 {
		return grid{}, false
	}
	return newGrid(names, [][]string{values}, false)
}

// newGrid squares header and rows off, and says whether the result fits a table block.
func newGrid(header []string, rows [][]string, keyed bool) (grid, bool) {
	width := len(header)
	for _, row := range rows {
		width = max(width, len(row))
	}
	if len(rows) == 0 || len(rows)+1 > maxTableRows || width == 0 || width > maxTableCells {
		return grid{}, false
	}
	total := 0
	square := func(cells []string) ([]string, bool) {
		out := make([]string, width)
		for j := range out {
			out[j] = " " // Slack refuses an empty cell
			if j < len(cells) {
				if s := strings.TrimSpace(strings.ToValidUTF8(cells[j], "\uFFFD")); s != "" {
					out[j] = s
				}
			}
			n := textLen(out[j])
			total += n
			if n > maxCellText || total > maxTableText {
				return nil, false
			}
		}
		return out, true
	}
	g := grid{keyed: keyed}
	var ok bool
	if g.header, ok = square(header); !ok {
		return grid{}, false
	}
	for _, row := range rows {
		cells, ok := square(row)
		if !ok {
			return grid{}, false
		}
		g.rows = append(g.rows, cells)
	}
	return g, true
}

// block is g as Slack's table block: the header row bold, every column wrapping its long text.
// Alignment is written out because slack-go writes it, empty, when the Poster passes the block on.
func (g grid) block() block {
	rows := make([][]TableCell, 0, len(g.rows)+1)
	head := make([]TableCell, len(g.header))
	for j, s := range g.header {
		head[j] = TableCell{Type: "rich_text", Elements: []richTextSection{{Type: "rich_text_section",
			Elements: []richText{{Type: "text", Text: s, Style: &textStyle{Bold: true}}}}}}
	}
	rows = append(rows, head)
	for _, row := range g.rows {
		cells := make([]TableCell, len(row))
		for j, s := range row {
			cells[j] = TableCell{Type: "raw_text", Text: s}
		}
		rows = append(rows, cells)
	}
	columns := make([]ColumnSetting, len(g.header))
	for j := range columns {
		columns[j] = ColumnSetting{Align: "left", IsWrapped: true}
	}
	return block{Type: "table", Rows: rows, ColumnSettings: columns}
}

// lines is g as escaped text, a row to a paragraph: the row's name, if it has one, then each
// cell after its column's name.
func (g grid) lines() string {
	var rows []string
	for _, row := range g.rows {
		var lines []string
		for j, cell := range row {
			cell = strings.TrimSpace(cell)
			switch {
			case cell == "":
			case j == 0 && g.keyed:
				lines = append(lines, escape(cell))
			case strings.TrimSpace(g.header[j]) != "":
				lines = append(lines, escape(g.header[j])+": "+escape(cell))
			default:
				lines = append(lines, escape(cell))
			}
		}
		if len(lines) > 0 {
			rows = append(rows, strings.Join(lines, "\n"))
		}
	}
	return strings.Join(rows, "\n\n")
}

// labelled is a field's mrkdwn: the name in bold, the value under it.
func labelled(name, value string) string {
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	switch {
	case name == "":
		return escape(value)
	case value == "":
		return "*" + escape(name) + "*"
	}
	return "*" + escape(name) + "*\n" + escape(value)
}

// pageAndSource is the line under an answer: its page, then its source.
func pageAndSource(page, source string) string {
	if page == "" {
		return source
	}
	return page + " · " + source
}

// sharer is how a shared answer names who shared it: their name, which pings nobody, where
// Slack sent one; else their mention, written only for an id that is one. A mention in a
// public message notifies the one named, so the name comes first.
func sharer(by *bot.Sharer) string {
	switch {
	case by == nil:
		return ""
	case strings.TrimSpace(by.Name) != "":
		return shorten(escape(strings.TrimSpace(by.Name)), maxContextText/2)
	case validUser(by.User):
		return "<@" + by.User + ">"
	}
	return ""
}

// validUser reports whether id is a Slack user id (U... or W..., capitals and digits), which
// alone may be written into a mention.
func validUser(id string) bool {
	if len(id) < 2 || len(id) > 20 || (id[0] != 'U' && id[0] != 'W') {
		return false
	}
	for _, c := range id {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// PageRoom is how much of a long answer's body one message shows: each block as bodyTexts writes
// it, in characters and in sections, leaving blocks for the header, the context lines and the
// buttons. Slack bounds a message by its blocks; the budget in characters, the 12,000 Slack
// allows markdown across a message, keeps a page readable and its JSON within the 20 KB a
// Socket Mode acknowledgement carries.
func PageRoom() bot.Room {
	return bot.Room{Budget: maxPageText, Parts: MaxBlocks - reservedBlocks, Measure: func(b bot.Block) (int, int) {
		size, parts := 0, 0
		for _, t := range bodyTexts([]bot.Block{b}) {
			size += textLen(t)
			parts++
		}
		return size, parts
	}}
}

const (
	maxPageText = 12_000
	// reservedBlocks are what a page keeps for other than its body: a header, the briefing, who
	// shared it, the page and source line, and three blocks of buttons.
	reservedBlocks = 7
)

// Action ids say what a button's answer becomes: a page turned in place, an answer shared to
// the channel, or else (actionPrefix and a number, as buttons always were) a new answer.
const (
	pageActionPrefix = actionPrefix + "page-"
	shareAction      = actionPrefix + "share"
)

// pressedKind is the kind of a button by its action_id.
func pressedKind(actionID string) bot.ActionKind {
	switch {
	case strings.HasPrefix(actionID, pageActionPrefix):
		return bot.TurnPage
	case actionID == shareAction:
		return bot.ShareAnswer
	}
	return bot.Ask
}

// actionBlocks turns actions into buttons, five to a block. The button's value is the command
// line the engine parses back when it is pressed; its action_id says where the answer goes. A
// page button at an end is left out: Slack has no disabled buttons.
func actionBlocks(actions []bot.Action) []block {
	var out []block
	var buttons []any
	flush := func() {
		if len(buttons) > 0 {
			id := fmt.Sprintf("%sactions-%d", actionPrefix, len(out))
			out = append(out, block{Type: "actions", BlockID: id, Elements: buttons})
			buttons = nil
		}
	}
	for i, a := range actions {
		label, cmd := strings.TrimSpace(a.Label), strings.TrimSpace(a.Command)
		if label == "" || cmd == "" || textLen(cmd) > maxButtonValue {
			continue // a command cut short would run something else
		}
		if len(buttons) == maxActionButtons {
			flush()
		}
		if len(out) == maxActionBlocks {
			break
		}
		id, style := fmt.Sprintf("%s%d", actionPrefix, i), ""
		switch a.Kind {
		case bot.TurnPage:
			id = fmt.Sprintf("%s%d", pageActionPrefix, i)
		case bot.ShareAnswer:
			id, style = shareAction, "primary"
		}
		buttons = append(buttons, Button{Type: "button", Text: *plain(shorten(escape(label), maxButtonText)), ActionID: id, Value: cmd, Style: style})
	}
	flush()
	return out
}

func section(text string) block { return block{Type: "section", Text: mrkdwn(text)} }

// mrkdwn is verbatim so that Slack does not turn plain words into links or mentions on its own.
func mrkdwn(text string) *TextObject { return &TextObject{Type: "mrkdwn", Text: text, Verbatim: true} }

func plain(text string) *TextObject { return &TextObject{Type: "plain_text", Text: text} }

// escape makes text from users and briefings inert: Slack reads only "<...>" sequences as
// mentions and links, and "&" starts the entities it decodes. Invalid UTF-8 becomes U+FFFD here,
// as JSON would write it, so that lengths are counted on the text Slack gets.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escape(s string) string { return escaper.Replace(strings.ToValidUTF8(s, "\uFFFD")) }

// Unescape reverses Slack's escaping: of what a user typed, so that it is read, and later escaped,
// once; of what escape wrote, for a reader such as the preview.
func Unescape(s string) string {
	if !strings.Contains(s, "&") {
		return s // the usual case; the replacer would copy it twice
	}
	return unescaper.Replace(s)
}

// unescaper decodes the only entities Slack writes and decodes; "&quot;" and the like stay as typed.
var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// slackText measures text as Slack's limits count it (textfit says why in UTF-16 units), and never
// cuts it inside one of the entities escape writes.
var slackText = textfit.Fitter{Measure: textfit.UTF16Units, SafeEnd: outsideEntity}

// outsideEntity is how much of p may be kept without ending inside an entity such as "&amp;".
func outsideEntity(p string) int {
	if amp := strings.LastIndexByte(p, '&'); amp >= 0 && !strings.Contains(p[amp:], ";") {
		return amp
	}
	return len(p)
}

func textLen(s string) int { return slackText.Measure.Len(s) }

// shorten cuts escaped text to max units, marking the cut.
func shorten(s string, max int) string { return slackText.Cut(s, max, textfit.Shortened) }

// split cuts escaped text into parts of at most max units, at a line break or space where it can.
func split(s string, max int) []string { return slackText.Split(s, max) }

// pack joins consecutive texts into as few as possible of at most max units each.
func pack(texts []string, max int) []string {
	var out []string
	for _, t := range texts {
		if n := len(out); n > 0 && textLen(out[n-1])+2+textLen(t) <= max {
			out[n-1] += sepFor(out[n-1], t) + t
			continue
		}
		out = append(out, t)
	}
	return out
}

// sepFor keeps the lines of a quotation together and sets other texts apart.
func sepFor(prev, next string) string {
	if strings.HasPrefix(next, "> ") && strings.Contains(prev, "> ") {
		return "\n"
	}
	return "\n\n"
}

// dateToken shows an instant as Slack's date formatting, which each reader sees in their own
// time zone; clients that cannot read it show the fallback, the time in the digest's zone.
func dateToken(s bot.Stamp) string {
	return fmt.Sprintf("<!date^%d^{date_long} {time}|%s>", s.At.Unix(), escape(bot.StampText(s)))
}

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

func section(text string) block { return block{Type: "section", Text: mrkdwn(text)} }

// mrkdwn is verbatim so that Slack does not turn plain words into links or mentions on its own.
func mrkdwn(text string) *TextObject { return &TextObject{Type: "mrkdwn", Text: text, Verbatim: true} }

func plain(text string) *TextObject { return &TextObject{Type: "plain_text", Text: text} }

// dateToken shows an instant as Slack's date formatting, which each reader sees in their own
// time zone; clients that cannot read it show the fallback, the time in the digest's zone.
func dateToken(s bot.Stamp) string {
	return fmt.Sprintf("<!date^%d^{date_long} {time}|%s>", s.At.Unix(), escape(bot.StampText(s)))
}

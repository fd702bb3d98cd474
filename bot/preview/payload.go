package preview

import (
	"bytes"
	"html/template"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
	"briefbot/bot/discord"
	"briefbot/bot/shell"
	"briefbot/bot/slack"
)

// The page draws each answer from what its adapter renders: the adapter's own response, read here
// for the few parts a message shows, with its JSON beside it. A change to a renderer shows on the
// page at once, and the limits, the counting and the escaping stay the adapter's: this package
// only turns the platform's markup into HTML (discordmd.go, slackmd.go).

// nearLimit is the share of a limit past which the page warns: the adapters keep within their
// limits, and the page says how close an answer is, so a moderator sees a briefing that will be
// cut.
const nearLimit = 0.8

// discordView is a Discord message as the page draws it.
type discordView struct {
	Ephemeral bool
	Embeds    []embedView
	Buttons   [][]discordgo.Button
	Meter     meter
	JSON      string
}

type embedView struct {
	Author, Footer     string
	Title, Description template.HTML
	Fields             []fieldView
}

type fieldView struct {
	Name, Value template.HTML
	Span        int // columns of six: 2 for a third, 3 for a half, 6 for the whole width
}

// meter is how much of a limit a payload uses.
type meter struct {
	Used, Max int
	What      string // "characters in embeds", "blocks"
}

// Near reports whether the payload is close enough to its limit to warn.
func (m meter) Near() bool { return float64(m.Used) >= nearLimit*float64(m.Max) }

func renderDiscord(r bot.Reply) (*discordView, error) {
	raw, err := discord.ResponseJSON(r)
	if err != nil {
		return nil, err
	}
	data := discord.Response(r).Data
	v := &discordView{Ephemeral: data.Flags&discordgo.MessageFlagsEphemeral != 0, JSON: string(raw),
		Meter: meter{Max: discord.MaxEmbedTotal, What: "characters in embeds"}}
	for _, e := range data.Embeds {
		ev := embedView{Title: discordLine(e.Title), Description: discordBlock(e.Description)}
		v.Meter.Used += discord.EmbedLength(e)
		if e.Author != nil {
			ev.Author = e.Author.Name
		}
		if e.Footer != nil {
			ev.Footer = e.Footer.Text
		}
		spans := fieldSpans(len(e.Fields), func(i int) bool { return e.Fields[i].Inline })
		for i, f := range e.Fields {
			ev.Fields = append(ev.Fields, fieldView{Name: discordLine(f.Name), Value: discordBlock(f.Value), Span: spans[i]})
		}
		v.Embeds = append(v.Embeds, ev)
	}
	for _, c := range data.Components {
		row, ok := c.(discordgo.ActionsRow)
		if !ok {
			continue
		}
		var buttons []discordgo.Button
		for _, c := range row.Components {
			if b, ok := c.(discordgo.Button); ok {
				// The page links to the line the button runs, wherever its answer would go; a
				// disabled one (Previous on the first page) is drawn greyed, with no line.
				if _, b.CustomID = discord.Pressed(b.CustomID); b.Disabled {
					b.CustomID = ""
				}
				buttons = append(buttons, b)
			}
		}
		v.Buttons = append(v.Buttons, buttons)
	}
	return v, nil
}

// fieldSpans lays fields out as Discord does: up to three inline fields share a row, evenly,
// and a field that is not inline takes the whole row.
func fieldSpans(n int, inline func(int) bool) []int {
	spans := make([]int, n)
	for i := 0; i < n; {
		if !inline(i) {
			spans[i] = 6
			i++
			continue
		}
		j := i
		for j < n && j-i < 3 && inline(j) {
			j++
		}
		for k := i; k < j; k++ {
			spans[k] = 6 / (j - i)
		}
		i = j
	}
	return spans
}

// slackView is a Slack message as the page draws it.
type slackView struct {
	Ephemeral bool
	Fallback  string
	Blocks    []blockView
	Meter     meter
	JSON      string
}

// blockView is one Block Kit block: Kind is its type, and only the parts that type has are set.
type blockView struct {
	Kind    string // header, section, context, actions, or another type shown by name
	Text    template.HTML
	Fields  []template.HTML
	Buttons []buttonView
	Rows    [][]cellView // a table's, its header row first
}

type cellView struct {
	Text   string // literal: the template escapes it
	Header bool
}

type buttonView struct {
	Label template.HTML
	Value string
}

func renderSlack(r bot.Reply) (*slackView, error) {
	raw, err := slack.ResponseJSON(r)
	if err != nil {
		return nil, err
	}
	return slackMessage(slack.Response(r), raw, slack.MaxBlocks), nil
}

// renderHomeTab is r, an engine's Home, as Slack's Home tab shows it.
func renderHomeTab(r bot.Reply) (*slackView, error) {
	tab, err := slack.HomeTab(r)
	if err != nil {
		return nil, err
	}
	raw, err := slack.HomeTabJSON(r)
	if err != nil {
		return nil, err
	}
	return slackMessage(tab, raw, slack.MaxViewBlocks), nil
}

// slackMessage is m drawn, with raw, its payload, beside it; maxBlocks is the limit m is under.
func slackMessage(m slack.Message, raw []byte, maxBlocks int) *slackView {
	v := &slackView{Ephemeral: m.ResponseType == "ephemeral", Fallback: m.Text, JSON: string(raw),
		Meter: meter{Used: len(m.Blocks), Max: maxBlocks, What: "blocks"}}
	for _, b := range m.Blocks {
		bv := blockView{Kind: b.Type}
		if b.Text != nil {
			bv.Text = slackObject(*b.Text)
		}
		for _, f := range b.Fields {
			bv.Fields = append(bv.Fields, slackObject(f))
		}
		for _, row := range b.Rows {
			var cells []cellView
			for _, c := range row {
				cells = append(cells, cellView{Text: c.Words(), Header: c.Header()})
			}
			bv.Rows = append(bv.Rows, cells)
		}
		for _, e := range b.Elements {
			switch e := e.(type) {
			case slack.Button:
				bv.Buttons = append(bv.Buttons, buttonView{Label: slackObject(e.Text), Value: e.Value})
			case slack.TextObject: // a context's
				bv.Fields = append(bv.Fields, slackObject(e))
			}
		}
		v.Blocks = append(v.Blocks, bv)
	}
	return v
}

func slackObject(t slack.TextObject) template.HTML {
	if t.Type == "plain_text" {
		return slackPlain(t.Text)
	}
	return slackBlock(t.Text)
}

// terminal is the answer as the shell prints it.
func terminal(r bot.Reply) (string, error) {
	var buf bytes.Buffer
	if err := shell.Render(&buf, r, shell.Width); err != nil {
		return "", err
	}
	return buf.String(), nil
}

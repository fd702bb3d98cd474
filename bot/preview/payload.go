package preview

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"unicode/utf16"

	"briefbot/bot"
	"briefbot/bot/discord"
	"briefbot/bot/shell"
	"briefbot/bot/slack"
)

// The page draws each answer from the very payload its adapter sends: the JSON is decoded here
// into the few fields a message shows, so a change to a renderer shows on the page at once and
// nothing is rendered twice.

// Limits shown when a payload comes near them (the adapters keep within them; the page says how
// close an answer is, so a moderator sees a briefing that will be cut).
const (
	discordEmbedTotal = 6000 // characters across every embed of a message
	slackMaxBlocks    = 50
	nearLimit         = 0.8 // the share of a limit past which the page warns
)

type discordPayload struct {
	Data struct {
		Flags      int            `json:"flags"`
		Embeds     []discordEmbed `json:"embeds"`
		Components []struct {
			Components []discordButton `json:"components"`
		} `json:"components"`
	} `json:"data"`
}

type discordEmbed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Author      *struct {
		Name string `json:"name"`
	} `json:"author"`
	Footer *struct {
		Text string `json:"text"`
	} `json:"footer"`
	Fields []struct {
		Name   string `json:"name"`
		Value  string `json:"value"`
		Inline bool   `json:"inline"`
	} `json:"fields"`
}

type discordButton struct {
	Label    string `json:"label"`
	CustomID string `json:"custom_id"`
}

// ephemeral is Discord's flag for an answer only the asker sees.
const ephemeral = 1 << 6

// discordView is a Discord message as the page draws it.
type discordView struct {
	Ephemeral bool
	Embeds    []embedView
	Buttons   [][]discordButton
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
	var p discordPayload
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("read discord payload: %w", err)
	}
	v := &discordView{Ephemeral: p.Data.Flags&ephemeral != 0, JSON: string(raw),
		Meter: meter{Max: discordEmbedTotal, What: "characters in embeds"}}
	for _, e := range p.Data.Embeds {
		ev := embedView{Title: discordLine(e.Title), Description: discordBlock(e.Description)}
		v.Meter.Used += units(e.Title) + units(e.Description)
		if e.Author != nil {
			ev.Author = e.Author.Name
			v.Meter.Used += units(e.Author.Name)
		}
		if e.Footer != nil {
			ev.Footer = e.Footer.Text
			v.Meter.Used += units(e.Footer.Text)
		}
		spans := fieldSpans(len(e.Fields), func(i int) bool { return e.Fields[i].Inline })
		for i, f := range e.Fields {
			ev.Fields = append(ev.Fields, fieldView{Name: discordLine(f.Name), Value: discordBlock(f.Value), Span: spans[i]})
			v.Meter.Used += units(f.Name) + units(f.Value)
		}
		v.Embeds = append(v.Embeds, ev)
	}
	for _, row := range p.Data.Components {
		v.Buttons = append(v.Buttons, row.Components)
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

// units counts text as both platforms' limits do: in UTF-16 code units.
func units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

type slackPayload struct {
	ResponseType string           `json:"response_type"`
	Text         string           `json:"text"`
	Blocks       []slackJSONBlock `json:"blocks"`
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type slackJSONBlock struct {
	Type     string         `json:"type"`
	Text     *slackText     `json:"text"`
	Fields   []slackText    `json:"fields"`
	Elements []slackElement `json:"elements"`
}

// slackElement is a context element (a text object, whose text is a string) or a button (whose
// text is a text object).
type slackElement struct {
	Type  string          `json:"type"`
	Text  json.RawMessage `json:"text"`
	Value string          `json:"value"`
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
	var p slackPayload
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("read slack payload: %w", err)
	}
	v := &slackView{Ephemeral: p.ResponseType == "ephemeral", Fallback: p.Text, JSON: string(raw),
		Meter: meter{Used: len(p.Blocks), Max: slackMaxBlocks, What: "blocks"}}
	for _, b := range p.Blocks {
		bv := blockView{Kind: b.Type}
		if b.Text != nil {
			bv.Text = slackObject(*b.Text)
		}
		for _, f := range b.Fields {
			bv.Fields = append(bv.Fields, slackObject(f))
		}
		for _, e := range b.Elements {
			switch e.Type {
			case "button":
				var label slackText
				if err := json.Unmarshal(e.Text, &label); err != nil {
					return nil, fmt.Errorf("read slack button: %w", err)
				}
				bv.Buttons = append(bv.Buttons, buttonView{Label: slackObject(label), Value: e.Value})
			default:
				var text string
				if err := json.Unmarshal(e.Text, &text); err != nil {
					return nil, fmt.Errorf("read slack context: %w", err)
				}
				bv.Fields = append(bv.Fields, slackObject(slackText{Type: e.Type, Text: text}))
			}
		}
		v.Blocks = append(v.Blocks, bv)
	}
	return v, nil
}

func slackObject(t slackText) template.HTML {
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

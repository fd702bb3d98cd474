package discord

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
	"briefbot/internal/textfit"
)

// Discord's message limits, from its documentation. Passing any of them gets a 400, so the renderer keeps
// within every one.
const (
	maxEmbeds           = 10
	MaxEmbedTotal       = 6000 // across all embeds of one message, not per embed (EmbedLength)
	maxTitle            = 256
	maxEmbedDescription = 4096
	maxFields           = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxFooter           = 2048
	maxAuthor           = 256
	maxButtonLabel      = 80
	maxCustomID         = 100
	maxButtonsPerRow    = 5
	maxActionRows       = 5
)

const (
	shortenedNote = "Shortened to fit Discord."
	noteSeparator = " · "
	blank         = "\u200b" // Discord refuses empty field names and values
	// minShortened is the least room worth filling with a cut text; below it the text is left
	// out and the footer says so.
	minShortened = 40
)

// ResponseJSON is Response as indented JSON: what `briefbot ask --format discord` prints.
func ResponseJSON(r bot.Reply) ([]byte, error) {
	out, err := json.MarshalIndent(Response(r), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("discord: encode response: %w", err)
	}
	return out, nil
}

// Response is the interaction response (type 4) that answers with r: a new message, within
// Discord's limits. The handler sends it; the preview draws it. It never pings: r.Mention is a
// digest post's alone (Poster), and an answer to a command leaves it out whatever it holds.
func Response(r bot.Reply) *discordgo.InteractionResponse {
	components, unreachable := renderButtons(r.Buttons())
	note := ""
	if unreachable {
		note = fmt.Sprintf("add page:%d to the command for the next", r.Page+1)
	}
	data := &discordgo.InteractionResponseData{
		Content:         sharedContent(r.SharedBy),
		Embeds:          renderPage(r, note),
		Components:      components,
		AllowedMentions: noMentions(),
	}
	if r.Private {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}
}

// Update is the response (type 7) that turns the message a button is under into r: another
// page of it. The message stays as private or public as it was.
func Update(r bot.Reply) *discordgo.InteractionResponse {
	data := Response(r).Data
	data.Flags = 0
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: data}
}

// sharedContent names who shared an answer, as the message's content: a user mention shows
// their name, and noMentions keeps it from pinging them. An id that is not a snowflake is
// left out rather than written into markup.
func sharedContent(by *bot.Sharer) string {
	if by == nil || !snowflake(by.User) {
		return ""
	}
	return bot.SharedLine("<@" + by.User + ">")
}

// PageRoom is how much of a long answer's body one message shows: the description, each block
// as describe writes it with the line break that parts it from the next. The budget leaves room
// for the longest title, author and footer Discord takes within its 6000 characters a message,
// so a page is never shortened.
func PageRoom() bot.Room {
	return bot.Room{Budget: MaxEmbedTotal - maxTitle - maxAuthor - maxFooter, Measure: func(b bot.Block) (int, int) {
		return length(describe([]bot.Block{b})) + len("\n\n"), 1
	}}
}

// noMentions lets nothing in a message ping anyone: Discord parses user mentions in interaction
// replies by default, and answers quote what users typed. The empty, non-nil list matters: a nil
// one is sent as null.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// roleMention is how a post pings role, a digest's Mention: the role's mention as the message's
// content (a mention inside an embed never pings) and allowed_mentions naming that role alone,
// so that nothing else the message holds pings anyone. No role: no content, noMentions. A role
// that is not an id is refused for good, before it could reach the message.
func roleMention(role string) (content string, allowed *discordgo.MessageAllowedMentions, err error) {
	if role == "" {
		return "", noMentions(), nil
	}
	if !ValidMention(role) {
		return "", nil, &bot.PostError{Permanent: true, Code: "invalid_mention",
			Err: errors.New("discord: the mention is not a role id (digits)")}
	}
	return "<@&" + role + ">", &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Roles: []string{role}}, nil
}

// renderEmbeds lays r out as embeds: title and briefing on the first, the body as description
// (split across embeds past 4096 characters), fields and the table as fields (25 an embed), the
// source as the last embed's footer. Past 6000 characters or 10 embeds the rest is cut with a
// marker, so Discord never refuses an answer.
func renderEmbeds(r bot.Reply) []*discordgo.MessageEmbed { return renderPage(r, "") }

// renderPage is renderEmbeds with the page a long answer is at, and pageNote after it: how to
// reach the next page where its button could not carry the line.
func renderPage(r bot.Reply, pageNote string) []*discordgo.MessageEmbed {
	// Titles render Markdown as descriptions do, and quote what users typed ("No issue matches
	// …"): escaped alike.
	title := clip(escape(strings.TrimSpace(r.Title)), maxTitle)
	author := clip(strings.TrimSpace(r.Briefing), maxAuthor)
	source := strings.TrimSpace(r.Footer)
	// The page goes before the source, where it is seen.
	if page := r.PageLine(); page != "" {
		if pageNote != "" {
			page += " (" + pageNote + ")"
		}
		source = strings.TrimSuffix(page+noteSeparator+source, noteSeparator)
	}
	footer := shorten(source, maxFooter-length(shortenedNote+noteSeparator))

	first := &discordgo.MessageEmbed{Title: title}
	if author != "" {
		first.Author = &discordgo.MessageEmbedAuthor{Name: author}
	}
	l := layout{
		embeds: []*discordgo.MessageEmbed{first},
		// The note is budgeted from the start, so there is always room to say what was left out.
		budget: MaxEmbedTotal - length(title) - length(author) - length(footer) - length(shortenedNote+noteSeparator),
	}
	texts, fields := split(describe(r.Blocks), maxEmbedDescription), renderFields(r)
	placed := 0
	for _, t := range texts {
		if l.full || !l.addText(t) {
			break
		}
		placed++
	}
	for _, f := range fields {
		if l.full || !l.addField(f) {
			break
		}
		placed++
	}
	if placed < len(texts)+len(fields) {
		// A piece cut short says so itself; one left out whole is said in the footer.
		if footer == "" {
			footer = shortenedNote
		} else {
			footer = shortenedNote + noteSeparator + footer
		}
	}
	if footer != "" {
		l.embeds[len(l.embeds)-1].Footer = &discordgo.MessageEmbedFooter{Text: footer}
	}
	if first.Title == "" && first.Description == "" && first.Author == nil && len(first.Fields) == 0 && first.Footer == nil {
		first.Description = blank // Discord refuses an empty embed
	}
	return l.embeds
}

// A layout fills embeds in order within the per-embed and per-message limits.
type layout struct {
	embeds []*discordgo.MessageEmbed
	budget int  // characters left under the message's total
	full   bool // nothing more fits
}

// room returns the embed for the next piece, starting another when needed; false when the
// message has all the embeds it may.
func (l *layout) room(needsNew bool) (*discordgo.MessageEmbed, bool) {
	if !needsNew {
		return l.embeds[len(l.embeds)-1], true
	}
	if len(l.embeds) == maxEmbeds {
		l.full = true
		return nil, false
	}
	e := &discordgo.MessageEmbed{}
	l.embeds = append(l.embeds, e)
	return e, true
}

// fit returns text as it fits the remaining budget (besides fixed, what else the piece takes),
// cut with a marker when it does not; false when not even a useful part fits.
func (l *layout) fit(text string, fixed int) (string, bool) {
	if length(text)+fixed <= l.budget {
		return text, true
	}
	l.full = true
	if l.budget-fixed < minShortened {
		return "", false
	}
	return shorten(text, l.budget-fixed), true
}

// addText places a piece of the description, whole or cut; false when it was left out.
func (l *layout) addText(chunk string) bool {
	cur := l.embeds[len(l.embeds)-1]
	text, ok := l.fit(chunk, 0)
	if !ok {
		return false
	}
	if cur, ok = l.room(cur.Description != "" || len(cur.Fields) > 0); !ok {
		return false
	}
	cur.Description = text
	l.budget -= length(text)
	return true
}

// addField places a field, whole or with its value cut; false when it was left out.
func (l *layout) addField(f *discordgo.MessageEmbedField) bool {
	cur := l.embeds[len(l.embeds)-1]
	value, ok := l.fit(f.Value, length(f.Name))
	if !ok {
		return false
	}
	if cur, ok = l.room(len(cur.Fields) == maxFields); !ok {
		return false
	}
	f.Value = value
	cur.Fields = append(cur.Fields, f)
	l.budget -= length(f.Name) + length(f.Value)
	return true
}

// describe renders the body blocks as Discord Markdown.
func describe(blocks []bot.Block) string {
	var sb strings.Builder
	for i, b := range blocks {
		if i > 0 {
			if b.Kind == bot.Item && blocks[i-1].Kind == bot.Item {
				sb.WriteString("\n")
			} else {
				sb.WriteString("\n\n")
			}
		}
		switch b.Kind {
		case bot.Item:
			sb.WriteString("- ")
			if b.Label != "" {
				sb.WriteString("**")
				sb.WriteString(escape(b.Label))
				sb.WriteString("**: ")
			}
			sb.WriteString(b.Marked(escape, "**", "**", timestamp))
		case bot.Quote:
			for j, line := range strings.Split(b.Text, "\n") {
				if j > 0 {
					sb.WriteString("\n")
				}
				sb.WriteString("> ")
				sb.WriteString(escape(line))
			}
		case bot.Heading:
			sb.WriteString("**")
			sb.WriteString(escape(b.Text))
			sb.WriteString("**")
		default:
			sb.WriteString(escape(b.Text))
		}
	}
	return sb.String()
}

// renderFields renders the reply's fields, then its table one row a field: a table does not fit
// side by side on a phone, so each issue gets its own field with a line per party.
func renderFields(r bot.Reply) []*discordgo.MessageEmbedField {
	var out []*discordgo.MessageEmbedField
	for _, f := range r.Fields {
		out = append(out, field(f.Name, escape(f.Value), f.Inline))
	}
	if t := r.Table; t != nil {
		for _, row := range t.Rows {
			if len(row) == 0 {
				continue
			}
			var sb strings.Builder
			for j := 1; j < len(row) && j < len(t.Columns); j++ {
				if sb.Len() > 0 {
					sb.WriteString("\n")
				}
				sb.WriteString("**")
				sb.WriteString(escape(t.Columns[j]))
				sb.WriteString("**: ")
				sb.WriteString(escape(row[j]))
			}
			out = append(out, field(row[0], sb.String(), false))
		}
	}
	return out
}

func field(name, value string, inline bool) *discordgo.MessageEmbedField {
	name = clip(escape(strings.TrimSpace(name)), maxFieldName)
	value = shorten(strings.TrimSpace(value), maxFieldValue)
	if name == "" {
		name = blank
	}
	if value == "" {
		value = blank
	}
	return &discordgo.MessageEmbedField{Name: name, Value: value, Inline: inline}
}

// renderComponents is the buttons of a post's actions.
func renderComponents(actions []bot.Action) []discordgo.MessageComponent {
	rows, _ := renderButtons(actions)
	return rows
}

// renderButtons turns buttons into Discord's, whose custom_id is the button's command line
// (customID): pressing one is answered by parsing it back, as if typed. A button whose line does
// not fit a custom_id is left out rather than cut, since a cut line would run another command; a
// page button is shown disabled instead, and unreachable says when that left the next page
// without a button.
func renderButtons(buttons []bot.Action) (rows []discordgo.MessageComponent, unreachable bool) {
	var row []discordgo.MessageComponent
	seen := map[string]bool{}
	for _, a := range buttons {
		id, disabled := customID(a), false
		if a.Kind == bot.TurnPage && (id == "" || length(id) > maxCustomID) {
			unreachable = unreachable || (a.Command != "" && a.Label == bot.NextLabel)
			id, disabled = pageEnd+a.Label, true
		}
		if id == "" || length(id) > maxCustomID || seen[id] { // custom_ids must be unique in a message
			continue
		}
		if len(rows) == maxActionRows {
			break
		}
		seen[id] = true
		label := clip(strings.TrimSpace(a.Label), maxButtonLabel)
		if label == "" {
			label = clip(id, maxButtonLabel)
		}
		style := discordgo.SecondaryButton
		if a.Kind == bot.ShareAnswer {
			style = discordgo.PrimaryButton
		}
		row = append(row, discordgo.Button{Label: label, Style: style, CustomID: id, Disabled: disabled})
		if len(row) == maxButtonsPerRow {
			rows = append(rows, discordgo.ActionsRow{Components: row})
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, discordgo.ActionsRow{Components: row})
	}
	return rows, unreachable
}

// A custom_id says what its line's answer becomes: a bare line is asked anew, as buttons always
// were; one after pagePrefix turns the page in place; one after sharePrefix is shared to the
// channel. pageEnd names the disabled page button at either end, which no press reaches.
const (
	pagePrefix  = "page "
	sharePrefix = "share "
	pageEnd     = "end "
)

// customID is the custom_id of a button: its line, after the prefix of its kind.
func customID(a bot.Action) string {
	line := strings.TrimSpace(a.Command)
	if line == "" {
		return ""
	}
	switch a.Kind {
	case bot.TurnPage:
		return pagePrefix + line
	case bot.ShareAnswer:
		return sharePrefix + line
	}
	return line
}

// Pressed reads a custom_id back into the kind of its button and its line.
func Pressed(customID string) (bot.ActionKind, string) {
	if line, ok := strings.CutPrefix(customID, pagePrefix); ok {
		return bot.TurnPage, line
	}
	if line, ok := strings.CutPrefix(customID, sharePrefix); ok {
		return bot.ShareAnswer, line
	}
	return bot.Ask, customID
}

// escape keeps text from being read as Discord Markdown: briefing text is plain once loaded, and
// answers quote what users typed. A backslash before punctuation shows the punctuation itself.
// Mentions are defused too, so that quoted text does not even look like one: "<" before a
// mention's sigil is escaped, and "@everyone" and "@here" get a zero-width space after the "@".
// No answer pings anyone either way (noMentions).
func escape(s string) string {
	if !strings.ContainsAny(s, "\\*_~`|#>-<@") {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s) + 8)
	lineStart := true
	for i, r := range s {
		switch {
		case strings.ContainsRune("\\*_~`|", r):
			sb.WriteByte('\\')
		case lineStart && strings.ContainsRune("#>-", r):
			sb.WriteByte('\\') // a heading, quote or list marker only at the start of a line
		case r == '<' && mentionAt(s[i+1:]):
			sb.WriteByte('\\')
		case r == '@' && (strings.HasPrefix(s[i+1:], "everyone") || strings.HasPrefix(s[i+1:], "here")):
			sb.WriteString("@" + blank)
			lineStart = false
			continue
		}
		sb.WriteRune(r)
		if r == '\n' {
			lineStart = true
		} else if r != ' ' && r != '\t' {
			lineStart = false
		}
	}
	return sb.String()
}

// mentionAt reports whether s, just after a "<", starts like a mention or a Discord tag:
// <@user>, <@&role>, <#channel>, </command:id>, <:emoji:id>, <a:emoji:id>, <t:time>.
func mentionAt(s string) bool {
	if s == "" {
		return false
	}
	if strings.IndexByte("@#!&:/", s[0]) >= 0 {
		return true
	}
	return len(s) > 1 && (s[0] == 'a' || s[0] == 't') && s[1] == ':'
}

// discordText measures text as Discord's limits count it (textfit says why in UTF-16 units), and
// never cuts it between a backslash and the character it escapes.
var discordText = textfit.Fitter{
	Measure: textfit.UTF16Units,
	SafeEnd: func(p string) int { return len(strings.TrimRight(p, `\`)) },
}

func length(s string) int { return discordText.Measure.Len(s) }

// EmbedLength is what e counts toward MaxEmbedTotal: its title, description, author, footer and
// fields, as Discord counts them.
func EmbedLength(e *discordgo.MessageEmbed) int {
	n := length(e.Title) + length(e.Description)
	if e.Author != nil {
		n += length(e.Author.Name)
	}
	if e.Footer != nil {
		n += length(e.Footer.Text)
	}
	for _, f := range e.Fields {
		n += length(f.Name) + length(f.Value)
	}
	return n
}

// clip fits a label (title, name, button) into max characters, ending it with "…" when cut.
func clip(s string, max int) string { return discordText.Cut(s, max, textfit.Ellipsis) }

// shorten fits body text into max characters, ending it with "… (shortened)" when cut.
func shorten(s string, max int) string { return discordText.Cut(s, max, textfit.Shortened) }

// split breaks text into pieces of at most max characters, between blocks where it can, then
// between lines, then between words.
func split(s string, max int) []string { return discordText.Split(s, max) }

// timestamp shows an instant as Discord's timestamp markup, which each reader sees in their own
// time zone and language.
func timestamp(s bot.Stamp) string { return fmt.Sprintf("<t:%d:F>", s.At.Unix()) }

package discord

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
)

const (
	shortenedNote = "Shortened to fit Discord."
	noteSeparator = " · "
	blank         = "\u200b" // Discord refuses empty field names and values
	// minShortened is the least room worth filling with a cut text; below it the text is left
	// out and the footer says so.
	minShortened = 40
)

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

package discord

import (
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

// PageRoom is how much of a long answer's body one message shows: the description, each block
// as describe writes it with the line break that parts it from the next. The budget leaves room
// for the longest title, author and footer Discord takes within its 6000 characters a message,
// so a page is never shortened.
func PageRoom() bot.Room {
	return bot.Room{Budget: MaxEmbedTotal - maxTitle - maxAuthor - maxFooter, Measure: func(b bot.Block) (int, int) {
		return length(describe([]bot.Block{b})) + len("\n\n"), 1
	}}
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

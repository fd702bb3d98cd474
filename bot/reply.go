// Package bot is briefbot's platform-neutral engine: the commands, declared once as data; the
// Engine, whose handlers turn a Request into a neutral Reply; the Core, which hands every request
// through one middleware chain to the engine in force; digest composition; and the small
// interfaces it needs from others (Poster, Digests, Versions). Adapters (bot/shell, bot/discord,
// bot/slack) translate their platform's events into Requests and render Replies. Nothing here
// imports a platform's library or sees its types; platforms appear only by name (a Caller's
// Platform, Slack's name for /search, the prefixes and admins configured per platform).
package bot

import (
	"strings"
	"time"
)

// A Reply is one answer, in a shape every platform can render: an embed on Discord, Block Kit on
// Slack, aligned columns in a terminal. Each renderer owns its platform's limits and escaping.
type Reply struct {
	Status   Status
	Title    string
	Briefing string  // title of the briefing the answer comes from, if any
	Blocks   []Block // the body, in order
	Fields   []Field // labelled values; inline ones sit side by side
	Table    *Table
	Footer   string // the source line
	Private  bool   // only the asker sees it
	// Suggestions are what the asker may have meant, for an answer that found nothing.
	Suggestions []string
	Actions     []Action
	// Mention is the one role (Discord) or user group (Slack) id that a digest's post pings, from
	// its config: the post names it and allows that mention alone. An answer to a command never
	// sets it, so that nothing typed can ping anyone.
	Mention string
	// Page and Pages place a long answer's page among the others (both 0 for an answer of one
	// page); Previous and Next are the command lines of the pages either side, "" at the ends.
	Page, Pages    int
	Previous, Next string
	// Share is the command line that makes this private answer again, for the button that
	// posts it in the channel; "" where an answer is not to be shared.
	Share string
	// SharedBy is who posted this answer to the channel from their private one.
	SharedBy *Sharer
}

// A Sharer is who shared a private answer: their user id on the platform, and their name where
// the platform sends one.
type Sharer struct {
	User string
	Name string
}

// Status says how a request went; the shell turns it into an exit status.
type Status int

const (
	Answered  Status = iota
	NotFound         // the topic, section, party or briefing matched nothing
	Forbidden        // the command is for admins
	Invalid          // the request itself is wrong: unknown command, missing option
)

func (s Status) String() string {
	switch s {
	case Answered:
		return "answered"
	case NotFound:
		return "not found"
	case Forbidden:
		return "forbidden"
	case Invalid:
		return "invalid"
	}
	return "unknown"
}

// BlockKind tells a renderer how to show a block.
type BlockKind int

const (
	Paragraph BlockKind = iota
	Item                // a list entry with an optional bold Label
	Quote               // a quotation; lines separated by "\n"
	Heading             // a heading inside the body
)

// A Block is one piece of an answer's body, as plain text: renderers add the markup.
type Block struct {
	Kind  BlockKind
	Label string
	Text  string
	// Emphasis are byte ranges of Text to show in bold, such as the words a search matched:
	// sorted, not overlapping.
	Emphasis []Span
	// Times are instants shown inside Text, each at its byte position, in the platform's own
	// way: Discord and Slack show them in each reader's time zone.
	Times []Stamp
}

// A Stamp is an instant to show at byte Pos of a block's text. Zone is where it is meant (a
// digest's zone), for the platforms that cannot show each reader their own time.
type Stamp struct {
	At   time.Time
	Zone *time.Location
	Pos  int
}

// StampText is how a stamp reads where the platform has no markup for time: in its zone, with
// the offset, so a reader anywhere can place it.
func StampText(s Stamp) string {
	t := s.At
	if s.Zone != nil {
		t = t.In(s.Zone)
	}
	return t.Format("Mon 2 Jan 15:04 MST (UTC-07:00)")
}

// A Span is a byte range of a text, End excluded.
type Span struct{ Start, End int }

// Marked is Text escaped for a platform, with its Emphasis between open and close ("**" on
// Discord) and its Times written by stamp (nil: StampText, escaped). Each piece of text is
// escaped alone, so the markers stay markup and the text stays text.
func (b Block) Marked(escape func(string) string, open, close string, stamp func(Stamp) string) string {
	if len(b.Emphasis) == 0 && len(b.Times) == 0 {
		return escape(b.Text)
	}
	if stamp == nil {
		stamp = func(s Stamp) string { return escape(StampText(s)) }
	}
	var sb strings.Builder
	at, times := 0, b.Times
	// plain writes text up to end, with the stamps that fall inside it.
	plain := func(end int) {
		for len(times) > 0 && times[0].Pos <= end {
			if p := times[0].Pos; p >= at {
				sb.WriteString(escape(b.Text[at:p]))
				at = p
			}
			sb.WriteString(stamp(times[0]))
			times = times[1:]
		}
		sb.WriteString(escape(b.Text[at:end]))
		at = end
	}
	for _, sp := range b.Emphasis {
		if sp.Start < at || sp.End > len(b.Text) || sp.Start >= sp.End {
			continue // a range the text cannot hold is shown plain rather than trusted
		}
		plain(sp.Start)
		sb.WriteString(open)
		sb.WriteString(escape(b.Text[sp.Start:sp.End]))
		sb.WriteString(close)
		at = sp.End
	}
	plain(len(b.Text))
	return sb.String()
}

// A Field is a labelled value. Inline fields are shown side by side, as columns.
type Field struct {
	Name   string
	Value  string
	Inline bool
}

// A Table is a grid with a header row, such as the whole positions table.
type Table struct {
	Columns []string
	Rows    [][]string
}

// An Action is a button under an answer. Command is a command line the engine parses, so that
// pressing the button is the same as typing it; Kind says where its answer goes.
type Action struct {
	Label   string
	Command string
	Kind    ActionKind
}

// ActionKind says what becomes of the answer to a button's command line.
type ActionKind int

const (
	// Ask answers in a new message, as typing the line would.
	Ask ActionKind = iota
	// TurnPage answers in place of the message the button is under: another page of it. A
	// page button without a Command is at an end: shown disabled where the platform can, left
	// out where it cannot.
	TurnPage
	// ShareAnswer posts the answer for everyone in the channel, naming who shared it, once.
	ShareAnswer
)

// Labels of the buttons every adapter draws alike.
const (
	PreviousLabel = "← Previous"
	NextLabel     = "Next →"
	ShareLabel    = "Share to channel"
)

// Buttons are every button under r, in the order they are shown: the pages either side, then
// r's actions, then sharing.
func (r Reply) Buttons() []Action {
	var out []Action
	if r.Pages > 1 {
		out = append(out, Action{Label: PreviousLabel, Command: r.Previous, Kind: TurnPage},
			Action{Label: NextLabel, Command: r.Next, Kind: TurnPage})
	}
	out = append(out, r.Actions...)
	if r.Share != "" {
		out = append(out, Action{Label: ShareLabel, Command: r.Share, Kind: ShareAnswer})
	}
	return out
}

// Shareable reports whether a request's answer may be shared to the channel from a button: a
// command that changes nothing and answers the same whoever runs it again. /digest posts and
// pauses, and its answers are for admins: pressing a button must not run it again.
func (r Request) Shareable() bool {
	return r.Refusal == nil && r.Command.handle != nil && !r.Command.Slow && !r.Command.Admin && !r.Command.message
}

// Turns reports whether a page button may carry the request: a paged command's. Any other line
// in a page button is forged, and is answered as unreadable rather than run in place of a page.
func (r Request) Turns() bool { return r.Refusal != nil || r.Command.Paged }

// Shared is r as posted for everyone by who: public, saying who shared it, with no button to
// share it again.
func Shared(r Reply, who Sharer) Reply {
	r.Private, r.Share, r.SharedBy = false, "", &who
	return r
}

// SharedLine is how a shared answer names who shared it, given how the platform writes them.
func SharedLine(who string) string { return "Shared by " + who }

// Common answers, so that every adapter says the same thing in the same words.

// Unreadable answers a command the adapter could not read.
func Unreadable() Reply {
	return Reply{Status: Invalid, Private: true, Title: "Cannot read that command", Blocks: []Block{{Kind: Paragraph, Text: "Try /help."}}}
}

// Failed answers a command whose answer could not be made (a panic, recovered).
func Failed() Reply {
	return Reply{Status: Invalid, Private: true, Title: "Something went wrong",
		Blocks: []Block{{Kind: Paragraph, Text: "The answer could not be made. Try again, or /help."}}}
}

// NotSupported answers an interaction briefbot does not handle, such as a modal it never sent.
func NotSupported() Reply {
	return Reply{Status: Invalid, Private: true, Title: "Not supported",
		Blocks: []Block{{Kind: Paragraph, Text: "briefbot answers slash commands and its own buttons. Try /help."}}}
}

// AlreadyShared answers a second press of a Share button: the answer is in the channel already.
func AlreadyShared() Reply {
	return Reply{Status: Answered, Private: true, Title: "Already shared",
		Blocks: []Block{{Kind: Paragraph, Text: "This answer was posted in the channel already."}}}
}

// NotShareable answers a Share button whose command line names a command whose answers are
// not shared (a forged one: briefbot puts none there).
func NotShareable() Reply {
	return Reply{Status: Invalid, Private: true, Title: "This answer cannot be shared",
		Blocks: []Block{{Kind: Paragraph, Text: "Run the command in the channel instead."}}}
}

// Usage answers a command whose words do not fit it, with the command as it is typed.
func Usage(title, usage string) Reply {
	return Reply{Status: Invalid, Private: true, Title: title, Blocks: []Block{{Kind: Paragraph, Text: "Usage: " + usage}}}
}

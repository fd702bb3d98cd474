// Package bot is briefbot's platform-neutral engine: the commands, declared once as data, and the
// handlers that turn a Request into a Reply. Adapters (shell, Discord, Slack) translate their
// platform's events into Requests and render Replies; nothing here knows any platform.
package bot

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
// pressing the button is the same as typing it.
type Action struct {
	Label   string
	Command string
}

package slack

import (
	"fmt"
	"strings"

	"briefbot/bot"
)

// actionPrefix starts the action_id of every button we send, so a press on anything else is ignored.
const actionPrefix = "briefbot-"

// A Button runs the command line in its Value when pressed.
type Button struct {
	Type     string     `json:"type"`
	Text     TextObject `json:"text"`
	ActionID string     `json:"action_id"`
	Value    string     `json:"value"`
	Style    string     `json:"style,omitempty"` // "primary" for the one button a reader is most likely to want
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

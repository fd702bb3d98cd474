package shell_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/shell"
)

// TestChangesRender: what changed, and /help on a command, laid out within the terminal's width.
func TestChangesRender(t *testing.T) {
	for _, tc := range bottest.ChangeReplies(t, bot.Room{}) {
		t.Run(tc.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := shell.Render(&buf, tc.Reply, shell.Width); err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(buf.String(), "\n") {
				if n := utf8.RuneCountInString(line); n > shell.Width {
					t.Errorf("%s: line %d is %d columns, wider than %d: %q", tc.Name, i+1, n, shell.Width, line)
				}
			}
			if tc.Name != "changes-many" {
				bottest.Golden(t, tc.Name+".golden", buf.Bytes())
			}
		})
	}
}

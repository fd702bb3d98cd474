package discord_test

import (
	"strings"
	"testing"
	"unicode/utf16"

	"briefbot/bot/bottest"
	"briefbot/bot/discord"
)

// TestChangesFitDiscord: what changed, and /help on a command, fit Discord's limits whole: the
// engine cuts a long list of changes itself, so the renderer never has to.
func TestChangesFitDiscord(t *testing.T) {
	count := func(s string) int { return len(utf16.Encode([]rune(s))) }
	for _, tc := range bottest.ChangeReplies(t, discord.PageRoom()) {
		t.Run(tc.Name, func(t *testing.T) {
			raw, err := discord.ResponseJSON(tc.Reply)
			if err != nil {
				t.Fatal(err)
			}
			embeds := decode(t, raw).Data.Embeds
			if len(embeds) == 0 || len(embeds) > 10 {
				t.Fatalf("%d embeds; Discord takes 1 to 10", len(embeds))
			}
			total := 0
			within := func(what, s string, limit int) {
				t.Helper()
				if n := count(s); n > limit {
					t.Errorf("%s has %d characters; Discord takes %d", what, n, limit)
				}
				total += count(s)
			}
			for _, e := range embeds {
				within("title", e.Title, 256)
				within("description", e.Description, 4096)
				if e.Author != nil {
					within("author", e.Author.Name, 256)
				}
				if e.Footer != nil {
					within("footer", e.Footer.Text, 2048)
				}
				if len(e.Fields) > 25 {
					t.Errorf("%d fields; Discord takes 25", len(e.Fields))
				}
				for _, f := range e.Fields {
					within("field name", f.Name, 256)
					within("field value", f.Value, 1024)
				}
			}
			if total > 6000 {
				t.Errorf("%d characters in all; Discord takes 6000", total)
			}
			if strings.Contains(string(raw), "Shortened to fit Discord") || strings.Contains(string(raw), "(shortened)") {
				t.Errorf("the renderer had to cut the answer:\n%s", raw)
			}
			if tc.Name != "changes-help-position" {
				if last := embeds[len(embeds)-1]; last.Footer == nil || !strings.Contains(last.Footer.Text, " · version ") {
					t.Errorf("footer %+v; want the source line with the version", last.Footer)
				}
			}
			if tc.Name != "changes-many" {
				bottest.Golden(t, tc.Name+".golden.json", append(raw, '\n'))
			}
		})
	}
}

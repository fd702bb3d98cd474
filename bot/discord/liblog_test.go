package discord_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot/bottest"
	"briefbot/bot/discord"
)

// TestLibraryLog: discordgo's lines come out as records of the adapter's logger, at their
// level, with what Discord sent left out; after Close they go nowhere, and a Bot made later gets
// its own.
func TestLibraryLog(t *testing.T) {
	var first, second bottest.LogBuffer
	a, err := discord.New(discord.Config{}, embeddedCore(t), first.Logger())
	if err != nil {
		t.Fatal(err)
	}
	discordgo.Logger(discordgo.LogWarning, 1, "unknown event: Op: %d, Data: %s, err %s", 0, `{"token":"A_UNIQUE_TOKEN"}`, errors.New("boom"))
	lines := strings.Split(strings.TrimSpace(first.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1:\n%s", len(lines), first.String())
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatalf("not a JSON record: %v\n%s", err, lines[0])
	}
	if rec["level"] != "WARN" || rec["msg"] != "discordgo" || rec["platform"] != "discord" ||
		rec["line"] != "unknown event: Op: 0, Data: [omitted], err boom" {
		t.Errorf("record %v", rec)
	}

	b, err := discord.New(discord.Config{}, embeddedCore(t), second.Logger())
	if err != nil {
		t.Fatal(err)
	}
	a.Close() // b came later: its logger stays
	discordgo.Logger(discordgo.LogError, 1, "error connecting to gateway %s, %s", "wss://gateway.example", errors.New("refused"))
	if n := strings.Count(second.String(), "\n"); n != 1 || strings.Contains(second.String(), "gateway.example") {
		t.Errorf("the later Bot's log:\n%s", second.String())
	}
	b.Close()
	discordgo.Logger(discordgo.LogError, 1, "after close")
	if strings.Contains(first.String()+second.String(), "after close") {
		t.Error("a line logged after Close")
	}
}

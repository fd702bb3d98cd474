package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"briefbot/bot/discord/discordtest"
	"briefbot/bot/slack/slacktest"
)

// TestNewDigestsFirstSlotsSurviveKills is issue 17's scenario with real processes: fifty new
// one-channel digests every minute, 25 to Discord and 25 to Slack, whose fakes answer 429 now
// and then. briefbot serve is killed with SIGKILL 0.2s into the digests' first fan-out and
// started again at once, then killed 4s before the next slot and started 8s after it. Every
// channel gets both slots exactly once, and nothing from before the digests were first loaded.
func TestNewDigestsFirstSlotsSurviveKills(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for two real minutes to turn")
	}
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		firstSlotsSurviveKills(t, "sqlite://"+filepath.Join(t.TempDir(), "ledger.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := os.Getenv("BRIEFBOT_TEST_POSTGRES")
		if dsn == "" {
			if os.Getenv("CI") == "true" {
				t.Fatal("BRIEFBOT_TEST_POSTGRES is not set: CI must test the first slots on PostgreSQL too")
			}
			t.Skip("BRIEFBOT_TEST_POSTGRES is not set")
		}
		t.Parallel()
		firstSlotsSurviveKills(t, isolatedSchema(t, dsn))
	})
}

func firstSlotsSurviveKills(t *testing.T, storeDSN string) {
	if _, err := builtBinary(); err != nil { // before the clock matters
		t.Fatal(err)
	}
	f := &fanOut{discord: discordtest.NewFake(t), slack: slacktest.NewWebAPI(t), dir: t.TempDir()}
	f.discord.ForgetNonces = true // Discord keeps a nonce a few minutes only: no help after a crash
	f.slack.PerChannel = true
	f.slack.Flaky, f.slack.Seed = 0.1, 17
	var digests strings.Builder
	for i := range 25 {
		f.discordChannels = append(f.discordChannels, fmt.Sprint(645027906669520000+i))
		f.slackChannels = append(f.slackChannels, fmt.Sprintf("C%07d", 500+i))
		if i%5 == 0 {
			f.discord.Limited[f.discordChannels[i]] = 1 // a 429 with Retry-After
		}
		fmt.Fprintf(&digests, "  - {name: first-discord-%02d, platform: discord, schedule: \"* * * * *\", channel: %q}\n", i, f.discordChannels[i])
		fmt.Fprintf(&digests, "  - {name: first-slack-%02d, platform: slack, schedule: \"* * * * *\", channel: %q}\n", i, f.slackChannels[i])
	}
	f.config = fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
discord: {token: %q, application_id: %q, api_url: %q}
slack: {bot_token: %q, signing_secret: "s", api_url: %q}
digests:
%sstore: {dsn: %q}
`, discordtest.Token, discordtest.AppID, f.discord.APIURL(), slacktest.BotToken, f.slack.URL(), digests.String(), storeDSN)

	// Far enough from a minute's turn that the first start is over before the first slot.
	if next := time.Now().Truncate(time.Minute).Add(time.Minute); time.Until(next) < 5*time.Second {
		time.Sleep(time.Until(next) + time.Second)
	}
	loaded := time.Now()
	first := f.start(t, "first")
	slot1 := loaded.Truncate(time.Minute).Add(time.Minute)
	slot2 := slot1.Add(time.Minute)
	time.Sleep(time.Until(slot1.Add(200 * time.Millisecond)))
	first.sigkill(t)
	second := f.start(t, "second")
	time.Sleep(time.Until(slot2.Add(-4 * time.Second)))
	second.sigkill(t)
	time.Sleep(time.Until(slot2.Add(8 * time.Second)))
	third := f.start(t, "third")

	logs := func() string { return first.log.String() + second.log.String() + third.log.String() }
	var posted map[string]map[string]int
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		posted = f.posted()
		missing := 0
		for _, ch := range append(f.discordChannels, f.slackChannels...) {
			for _, slot := range []time.Time{slot1, slot2} {
				if slotPosts(posted[ch], slot) == 0 {
					missing++
				}
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d posts of the first two slots still missing:\n%s", missing, logs())
		}
	}
	for _, ch := range append(f.discordChannels, f.slackChannels...) {
		for _, slot := range []time.Time{slot1, slot2} {
			if n := slotPosts(posted[ch], slot); n != 1 {
				t.Errorf("channel %s got the slot at %s %d times; want once", ch, slot.Format(time.TimeOnly), n)
			}
		}
		for key, n := range posted[ch] {
			if at := keyTime(t, key); at.Before(loaded) {
				t.Errorf("channel %s got %s (%d times), a slot from before its digest was first loaded", ch, key, n)
			}
		}
	}
}

// sigkill ends c with SIGKILL: no release of its leases, no mark of what it was posting.
func (c *child) sigkill(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.cmd.Wait()
}

// slotPosts counts a channel's posts of the slot at, whatever the digest.
func slotPosts(keys map[string]int, at time.Time) int {
	n := 0
	for key, c := range keys {
		if strings.HasSuffix(key, "@"+strconv.FormatInt(at.Unix(), 10)) {
			n += c
		}
	}
	return n
}

// keyTime is the slot a delivery key names: digest@unix.
func keyTime(t *testing.T, key string) time.Time {
	t.Helper()
	_, unix, ok := strings.Cut(key, "@")
	sec, err := strconv.ParseInt(unix, 10, 64)
	if !ok || err != nil {
		t.Fatalf("post with delivery key %q: want digest@unix", key)
	}
	return time.Unix(sec, 0)
}

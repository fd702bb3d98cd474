package discord_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/discord"
	"briefbot/bot/discord/discordtest"
)

func digest(tb testing.TB) bot.Reply {
	return bot.Compose(embeddedCore(tb).Engine().DefaultBriefing(), day())
}

func TestPostRetriesRateLimitOnce(t *testing.T) {
	f := discordtest.NewFake(t)
	sch := loadSchemas(t)
	p := restBot(t, f, embeddedCore(t), discord.Config{}).Poster()
	f.Limited[channelID] = 1

	id, err := p.Post(t.Context(), channelID, "morning/2025-04-07", digest(t))
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	if f.Attempts != 2 || len(f.Messages) != 1 || f.Messages[0].ID != id {
		t.Fatalf("%d attempts, %d messages (id %q); want 2 attempts, 1 message with the id returned", f.Attempts, len(f.Messages), id)
	}
	var body struct {
		Nonce           string `json:"nonce"`
		EnforceNonce    bool   `json:"enforce_nonce"`
		AllowedMentions *struct {
			Parse []string `json:"parse"`
		} `json:"allowed_mentions"`
		Flags int `json:"flags"`
	}
	if err := json.Unmarshal(f.Messages[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Nonce == "" || len(body.Nonce) > 25 || !body.EnforceNonce {
		t.Errorf("nonce %q, enforce_nonce %v; want a nonce of at most 25 characters, enforced", body.Nonce, body.EnforceNonce)
	}
	if body.AllowedMentions == nil || body.AllowedMentions.Parse == nil || len(body.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions %+v, want parse []", body.AllowedMentions)
	}
	r := decode(t, []byte(`{"type":4,"data":`+string(f.Messages[0].Body)+`}`))
	checkLimits(t, r)
	if r.Data.Embeds[0].Title != "Daily briefing, Monday 7 April 2025" {
		t.Errorf("title %q", r.Data.Embeds[0].Title)
	}
	t.Run("schema", func(t *testing.T) { sch.validate(t, messageSchema, f.Messages[0].Body) })

	// The same delivery again (a retry after a crash): Discord answers with the first message.
	again, err := p.Post(t.Context(), channelID, "morning/2025-04-07", digest(t))
	if err != nil || again != id || len(f.Messages) != 1 {
		t.Errorf("second Post = %q, %v with %d messages; want %q and still 1 message", again, err, len(f.Messages), id)
	}
	// Another delivery is another message.
	if next, err := p.Post(t.Context(), channelID, "morning/2025-04-08", digest(t)); err != nil || next == id || len(f.Messages) != 2 {
		t.Errorf("Post of the next day = %q, %v with %d messages", next, err, len(f.Messages))
	}
}

func TestPostErrors(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(f *discordtest.Fake)
		cfg        func(c *discord.Config)
		channel    string
		permanent  bool
		code       string
		retryAfter time.Duration
		attempts   int
	}{
		{"unknown channel", func(f *discordtest.Fake) {
			f.Fail[channelID] = discordtest.Failure{Status: http.StatusNotFound, Code: 10003, Message: "Unknown Channel"}
		}, nil, channelID, true, "10003", 0, 1},
		{"missing access", func(f *discordtest.Fake) {
			f.Fail[channelID] = discordtest.Failure{Status: http.StatusForbidden, Code: 50001, Message: "Missing Access"}
		}, nil, channelID, true, "50001", 0, 1},
		{"bad token", nil, func(c *discord.Config) { c.Token = "revoked.SECRET" }, channelID, true, "401", 0, 0},
		{"server error", func(f *discordtest.Fake) {
			f.Fail[channelID] = discordtest.Failure{Status: http.StatusInternalServerError, Code: 0, Message: "500: Internal Server Error"}
		}, nil, channelID, false, "500", 0, 1},
		{"rate limited throughout", func(f *discordtest.Fake) { f.Limited[channelID] = 100 }, nil, channelID, false, "429", 50 * time.Millisecond, 3},
		{"rate limited for long", func(f *discordtest.Fake) { f.Limited[channelID], f.RetryAfter = 100, 30 }, nil, channelID, false, "429", 30 * time.Second, 1},
		{"channel not an id", nil, nil, "../../users/@me", true, "invalid_channel", 0, 0},
		{"no token", nil, func(c *discord.Config) { c.Token = "" }, channelID, true, "no_token", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := discordtest.NewFake(t)
			if tc.setup != nil {
				tc.setup(f)
			}
			cfg := discord.Config{Token: discordtest.Token, ApplicationID: appID, APIURL: f.APIURL()}
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			b, err := discord.New(cfg, embeddedCore(t), testLogger(t))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = b.Poster().Post(t.Context(), tc.channel, "k", digest(t))
			var pe *bot.PostError
			if !errors.As(err, &pe) {
				t.Fatalf("Post error %v (%T), want a *bot.PostError", err, err)
			}
			if pe.Permanent != tc.permanent || pe.Code != tc.code || pe.RetryAfter != tc.retryAfter {
				t.Errorf("PostError{Permanent: %v, Code: %q, RetryAfter: %v}, want {%v, %q, %v}: %v",
					pe.Permanent, pe.Code, pe.RetryAfter, tc.permanent, tc.code, tc.retryAfter, err)
			}
			if f.Attempts != tc.attempts {
				t.Errorf("%d attempts, want %d", f.Attempts, tc.attempts)
			}
			if len(f.Messages) != 0 {
				t.Errorf("%d messages posted", len(f.Messages))
			}
			if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), f.Server.URL) {
				t.Errorf("error %q quotes the token or the URL", err)
			}
			// A long Retry-After is handed back, not slept through (a loose bound, not a timing test).
			if tc.retryAfter > 10*time.Second && time.Since(start) > 10*time.Second {
				t.Errorf("Post slept %v on a 30 s Retry-After", time.Since(start))
			}
		})
	}
}

// TestPostKeepsToDeadline: a Retry-After past the caller's deadline is handed back at once.
func TestPostKeepsToDeadline(t *testing.T) {
	f := discordtest.NewFake(t)
	f.Limited[channelID], f.RetryAfter = 100, 4
	p := restBot(t, f, embeddedCore(t), discord.Config{}).Poster()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	_, err := p.Post(ctx, channelID, "k", digest(t))
	var pe *bot.PostError
	if !errors.As(err, &pe) || pe.Permanent || pe.Code != "429" || pe.RetryAfter != 4*time.Second {
		t.Errorf("Post = %v, want a temporary 429 PostError to retry after 4s", err)
	}
	if f.Attempts != 1 {
		t.Errorf("%d attempts, want 1", f.Attempts)
	}
}

// TestFindPost: after a crash between posting and marking, the scheduler asks whether the post
// is already in the channel; Discord's history shows the bot's own post by the key in its footer.
func TestFindPost(t *testing.T) {
	f := discordtest.NewFake(t)
	p := restBot(t, f, embeddedCore(t), discord.Config{}).Poster()
	since := time.Now().Add(-time.Minute)
	const key = "morning@1743930000"
	id, err := p.Post(t.Context(), channelID, key, digest(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Post(t.Context(), channelID, "evening@1743930000", digest(t)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, channel, key string
		since              time.Time
		found              bool
	}{
		{"its own post", channelID, key, since, true},
		{"another slot", channelID, "morning@1744016400", since, false},
		{"a key that ends another", channelID, "ing@1743930000", since, false},
		{"another channel", "645027906669510668", key, since, false},
		{"posted before since", channelID, key, time.Now().Add(time.Hour), false},
	}
	for _, tc := range tests {
		got, found, err := p.FindPost(t.Context(), tc.channel, tc.key, tc.since)
		if err != nil || found != tc.found || (found && got != id) {
			t.Errorf("%s: FindPost = %q, %v, %v; want found %v (id %s)", tc.name, got, found, err, tc.found, id)
		}
	}
	f.Mu.Lock()
	f.Fail[channelID] = discordtest.Failure{Status: http.StatusForbidden, Code: 50001, Message: "Missing Access"}
	f.Mu.Unlock()
	if _, _, err := p.FindPost(t.Context(), channelID, key, since); !errors.Is(err, bot.ErrHistoryUnavailable) {
		t.Errorf("FindPost without Read Message History = %v, want ErrHistoryUnavailable", err)
	}
}

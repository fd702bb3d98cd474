package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/slack"
	"briefbot/bot/slack/slacktest"
)

const (
	userGroup = "S0DIGEST1"
	threadKey = "morning@1744016400"
)

// digestThread is the embedded briefing's digest as a thread, pinging userGroup.
func digestThread(tb testing.TB) bot.Thread {
	r := digestReply(tb)
	r.Mention = userGroup
	return bot.Digest{Name: "morning"}.ThreadOf(r, digestDay)
}

// threadPoster is a Bot's Poster on the fake Web API, its rate-limit waits recorded.
func threadPoster(tb testing.TB, api *slacktest.WebAPI) (*slack.Poster, *[]time.Duration) {
	tb.Helper()
	p := newBot(tb, embeddedEngine(tb), slack.Config{APIURL: api.URL(), BotToken: slacktest.BotToken}).Poster()
	var waits []time.Duration
	slack.SetPosterWait(p, func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	})
	return p, &waits
}

// checkThread checks a channel after a thread's delivery: one headline carrying key in the
// channel, at ts head, pinging the user group; one reply in its thread carrying key/detail,
// pinging no one; nothing else.
func checkThread(t *testing.T, api *slacktest.WebAPI, channel, key, head string) {
	t.Helper()
	msgs := api.InChannel(channel)
	var heads, details []slacktest.WebMessage
	for _, m := range msgs {
		switch {
		case m.ThreadTS == "" && m.Key == key:
			heads = append(heads, m)
		case m.Key == key+bot.DetailKey:
			details = append(details, m)
		}
	}
	if len(heads) != 1 || len(details) != 1 || len(msgs) != 2 {
		t.Fatalf("%d headlines, %d details among %d messages; want one of each", len(heads), len(details), len(msgs))
	}
	if heads[0].TS != head {
		t.Errorf("PostThread = %s, want the headline's ts %s", head, heads[0].TS)
	}
	if details[0].ThreadTS != head {
		t.Errorf("the detail replies in %q, want the headline's thread %s", details[0].ThreadTS, head)
	}
	if !strings.HasPrefix(heads[0].Text, "<!subteam^"+userGroup+"> ") || !strings.Contains(heads[0].Blocks, "subteam^"+userGroup) {
		t.Errorf("the headline does not ping the user group: text %q", heads[0].Text)
	}
	if strings.Contains(details[0].Text+details[0].Blocks, "subteam") {
		t.Errorf("the detail pings: %q", details[0].Text)
	}
}

// TestPostThread: a headline in the channel and the detail in its thread; after a crash at any
// point, a Look posts only what is missing.
func TestPostThread(t *testing.T) {
	th := digestThread(t)
	tests := []struct {
		name  string
		crash func(t *testing.T, p *slack.Poster) // what an earlier attempt left
		posts int                                 // chat.postMessage calls the Look makes
	}{
		{"nothing posted", func(*testing.T, *slack.Poster) {}, 2},
		{"headline only", func(t *testing.T, p *slack.Poster) {
			if _, err := p.Post(t.Context(), testChannel, threadKey, th.Head); err != nil {
				t.Fatal(err)
			}
		}, 1},
		{"headline and detail", func(t *testing.T, p *slack.Poster) {
			if _, _, err := p.PostThread(t.Context(), testChannel, threadKey, th); err != nil {
				t.Fatal(err)
			}
		}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			api := slacktest.NewWebAPI(t)
			p, _ := threadPoster(t, api)
			tc.crash(t, p)
			before := api.CallsTo("chat.postMessage")

			look := th
			look.Look = true
			ts, mayDouble, err := p.PostThread(t.Context(), testChannel, threadKey, look)
			if err != nil || mayDouble {
				t.Fatalf("PostThread(Look) = %q, %v, %v; want no error, not doubled", ts, mayDouble, err)
			}
			checkThread(t, api, testChannel, threadKey, ts)
			if n := api.CallsTo("chat.postMessage") - before; n != tc.posts {
				t.Errorf("the Look posted %d times, want %d", n, tc.posts)
			}
		})
	}
}

// TestPostThreadFirstAttempt: without Look nothing is looked for: two posts, no reads.
func TestPostThreadFirstAttempt(t *testing.T) {
	api := slacktest.NewWebAPI(t)
	p, _ := threadPoster(t, api)
	ts, mayDouble, err := p.PostThread(t.Context(), testChannel, threadKey, digestThread(t))
	if err != nil || mayDouble {
		t.Fatalf("PostThread = %q, %v, %v", ts, mayDouble, err)
	}
	checkThread(t, api, testChannel, threadKey, ts)
	api.Mu.Lock()
	calls := strings.Join(api.Calls, " ")
	api.Mu.Unlock()
	if calls != "chat.postMessage chat.postMessage" {
		t.Errorf("calls %s, want two chat.postMessage and nothing else", calls)
	}
}

// TestPostThreadHistoryHidden: a Look where the app may not read history posts anyway and says
// the digest may show twice.
func TestPostThreadHistoryHidden(t *testing.T) {
	api := slacktest.NewWebAPI(t)
	p, _ := threadPoster(t, api)
	th := digestThread(t)
	if _, _, err := p.PostThread(t.Context(), testChannel, threadKey, th); err != nil {
		t.Fatal(err)
	}
	api.Mu.Lock()
	api.NoHistory = true
	api.Mu.Unlock()
	look := th
	look.Look = true
	if _, mayDouble, err := p.PostThread(t.Context(), testChannel, threadKey, look); err != nil || !mayDouble {
		t.Errorf("PostThread(Look) without channels:history = %v, %v; want posted, may be doubled", mayDouble, err)
	}
	if _, mayDouble, err := p.PostThread(t.Context(), testChannel, "morning@1744102800", th); err != nil || mayDouble {
		t.Errorf("PostThread without Look = %v, %v; want posted, not doubled", mayDouble, err)
	}
}

// TestPostThreadRateLimited: Slack's one message a second per channel holds the detail back by
// its Retry-After; it still goes in the thread, once.
func TestPostThreadRateLimited(t *testing.T) {
	api := slacktest.NewWebAPI(t)
	api.PerChannel = true
	p, _ := threadPoster(t, api)
	var waits []time.Duration
	slack.SetPosterWait(p, func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		select { // the fake counts the second on the machine's clock
		case <-time.After(d):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	ts, _, err := p.PostThread(t.Context(), testChannel, threadKey, digestThread(t))
	if err != nil {
		t.Fatalf("PostThread: %v", err)
	}
	checkThread(t, api, testChannel, threadKey, ts)
	if len(waits) != 1 || waits[0] != time.Second {
		t.Errorf("waited %v, want once, the 1s Retry-After", waits)
	}
}

// TestPostThreadInvalidMention: a mention that is not a user group id is refused for good,
// before anything is posted.
func TestPostThreadInvalidMention(t *testing.T) {
	for _, mention := range []string{"U0MEMBER", "S0X> <!channel", "here", "s0lower"} {
		api := slacktest.NewWebAPI(t)
		p, _ := threadPoster(t, api)
		r := digestReply(t)
		r.Mention = mention
		_, _, err := p.PostThread(t.Context(), testChannel, threadKey, bot.Digest{Name: "morning"}.ThreadOf(r, digestDay))
		pe, ok := errors.AsType[*bot.PostError](err)
		if !ok || !pe.Permanent || pe.Code != "invalid_mention" {
			t.Errorf("PostThread with mention %q = %v; want a permanent invalid_mention", mention, err)
		}
		if n := len(api.InChannel(testChannel)); n != 0 {
			t.Errorf("mention %q: %d messages posted", mention, n)
		}
	}
}

// TestPostMention: a digest's mention opens the post, in its text and its first block; what the
// reply quotes stays escaped, so nothing typed pings.
func TestPostMention(t *testing.T) {
	api := slacktest.NewWebAPI(t)
	p, _ := threadPoster(t, api)
	r := digestReply(t)
	r.Mention = userGroup
	r.Title = "Daily briefing <!channel> <!subteam^S0TYPED|@all>"
	r.Blocks = append(r.Blocks, bot.Block{Kind: bot.Paragraph, Text: "Quoted: <!here> <@U0MEMBER> <!subteam^S0TYPED> <!everyone>"})
	if _, err := p.Post(t.Context(), testChannel, threadKey, r); err != nil {
		t.Fatal(err)
	}
	m := api.InChannel(testChannel)[0]
	ping := "<!subteam^" + userGroup + ">"
	if !strings.HasPrefix(m.Text, ping+" ") {
		t.Errorf("text %q, want it to open with %s", m.Text, ping)
	}
	var blocks []block
	if err := json.Unmarshal([]byte(m.Blocks), &blocks); err != nil {
		t.Fatal(err)
	}
	if len(blocks) < 2 || blocks[0].Type != "section" || blocks[0].Text == nil || blocks[0].Text.Text != ping || blocks[1].Type != "header" {
		t.Errorf("blocks open with %+v, want a section with %s, then the header", blocks[:min(2, len(blocks))], ping)
	}
	checkLimits(t, "mention", slackMessage{Text: m.Text, Blocks: blocks})

	var sent any // the blocks as sent, for the golden file
	if err := json.Unmarshal([]byte(m.Blocks), &sent); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"text": m.Text, "blocks": sent}); err != nil {
		t.Fatal(err)
	}
	golden(t, "post-mention", out.Bytes())
	// Past the one mention written for the user group, nothing in the post can ping.
	noLiveMentions(t, "mention", bytes.ReplaceAll(out.Bytes(), []byte(ping), []byte("PING")))
	if n := strings.Count(out.String(), "<!"); n != 2 {
		t.Errorf("%d live mentions in the post, want 2: the user group's, in the text and the first block", n)
	}
	for _, typed := range []string{"&lt;!channel&gt;", "&lt;!subteam^S0TYPED&gt;", "&lt;!here&gt;", "&lt;@U0MEMBER&gt;"} {
		if !strings.Contains(out.String(), typed) {
			t.Errorf("the post does not show %s as typed, escaped", typed)
		}
	}
}

// TestAnswerNeverPings: an answer to a command pings no one, even from a reply that names a
// mention: only a digest's post may.
func TestAnswerNeverPings(t *testing.T) {
	r := digestReply(t)
	r.Mention = userGroup
	raw, err := slack.ResponseJSON(r)
	if err != nil {
		t.Fatal(err)
	}
	noLiveMentions(t, "answer", raw)
	if bytes.Contains(raw, []byte(userGroup)) {
		t.Errorf("the answer names the user group:\n%s", raw)
	}
}

// TestValidMention: what a digest's mention may be on Slack.
func TestValidMention(t *testing.T) {
	for id, want := range map[string]bool{userGroup: true, "S1": true, "": false, "S": false, "U0MEMBER": false, "s0lower": false, "S0X>": false} {
		if got := slack.ValidMention(id); got != want {
			t.Errorf("ValidMention(%q) = %v, want %v", id, got, want)
		}
	}
}

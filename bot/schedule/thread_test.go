package schedule

import (
	"errors"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
)

// TestMentionPings: a digest's mention rides on the post the poster receives; in a thread, on
// the headline only, so that whoever it pings is pinged once. A thread's first attempt makes no
// look at the channel's history, and the ledger keeps the headline's id.
func TestMentionPings(t *testing.T) {
	for _, tc := range []struct {
		name   string
		thread bool
		want   map[string]string // the ending of each post's key: the mention it carries
	}{
		{"message", false, map[string]string{"": "S0ALL"}},
		{"thread", true, map[string]string{"": "S0ALL", bot.DetailKey: ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ledgers(t, func(t *testing.T, kind ledgerKind) {
				start, slot := at(t, "2025-04-01T08:00:00Z"), at(t, "2025-04-01T09:00:00Z")
				g := newRig(t, start, kind)
				d := g.digest("morning", "slack", "0 9 * * *", "UTC", "C1")
				d.Thread, d.Mention = tc.thread, "S0ALL"
				p := g.start("a", d)
				g.clock.advanceTo(slot.Add(time.Minute))
				p.stop(t)
				g.expectOnce(d, start, g.clock.Now())
				sent := g.slack.sent()
				for part, mention := range tc.want {
					posts := sent["C1 "+d.Key(slot)+part]
					if len(posts) != 1 || posts[0].reply.Mention != mention {
						t.Errorf("posts of %s = %+v; want one mentioning %q", d.Key(slot)+part, posts, mention)
					}
				}
				if tc.thread {
					head := sent["C1 "+d.Key(slot)][0]
					if head.reply.Footer != "The full digest is in the thread." {
						t.Errorf("headline footer %q; want the pointer to the thread", head.reply.Footer)
					}
					if out := g.outcome(d, "C1", slot); out.MessageID != head.id {
						t.Errorf("ledger's message id %q; want the headline's, %q", out.MessageID, head.id)
					}
				}
				if looks := g.slack.looks; looks != 0 || tc.thread && len(g.slack.threads) != 1 || tc.thread && g.slack.threads[0] {
					t.Errorf("%d looks at the history, thread calls with look %v; want none, one call without", looks, g.slack.threads)
				}
			})
		})
	}
}

// TestThreadFailsAfterItsHeadline: a failure after the headline went out and before the detail
// did makes the next attempt look for each part, and post only the detail: one headline and
// one detail, unless the history cannot be read, when the headline goes twice and the slot says
// it may be doubled.
func TestThreadFailsAfterItsHeadline(t *testing.T) {
	for _, tc := range []struct {
		name        string
		fault       error
		history     error
		wantHeads   int
		wantDoubled bool
	}{
		{"temporary error", &bot.PostError{Code: "503", Err: errors.New("unavailable")}, nil, 1, false},
		{"rate limited", &bot.PostError{RetryAfter: 3 * time.Second, Code: "429", Err: errors.New("rate limited")}, nil, 1, false},
		{"temporary error, history unreadable", &bot.PostError{Code: "503", Err: errors.New("unavailable")},
			bot.ErrHistoryUnavailable, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ledgers(t, func(t *testing.T, kind ledgerKind) {
				start, slot := at(t, "2025-04-01T08:00:00Z"), at(t, "2025-04-01T09:00:00Z")
				g := newRig(t, start, kind)
				g.slack.afterHead, g.slack.history = []error{tc.fault}, tc.history
				d := g.digest("morning", "slack", "0 9 * * *", "UTC", "C1")
				d.Thread = true
				p := g.start("a", d)
				g.clock.advanceTo(slot.Add(time.Minute))
				p.stop(t)
				sent := g.slack.sent()
				heads, details := len(sent["C1 "+d.Key(slot)]), len(sent["C1 "+d.Key(slot)+bot.DetailKey])
				if heads != tc.wantHeads || details != 1 {
					t.Errorf("%d headlines, %d details; want %d and 1", heads, details, tc.wantHeads)
				}
				if got := g.slack.threads; len(got) != 2 || got[0] || !got[1] {
					t.Errorf("thread calls with look %v; want [false true]", got)
				}
				if g.slack.looks != 2 {
					t.Errorf("%d looks at the history; want 2, one for each part on the second try", g.slack.looks)
				}
				st, err := g.scheduler("status", d).Status(t.Context())
				if err != nil || len(st) != 1 || st[0].LastResult != "posted" || st[0].MayBeDoubled != tc.wantDoubled {
					t.Errorf("Status = %+v, %v; want posted, may be doubled %v", st, err, tc.wantDoubled)
				}
			})
		})
	}
}

// TestThreadWithoutThreadPoster: a thread digest on a platform whose poster cannot post threads
// fails its slot, saying why, and posts nothing.
func TestThreadWithoutThreadPoster(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		start, slot := at(t, "2025-04-01T08:00:00Z"), at(t, "2025-04-01T09:00:00Z")
		g := newRig(t, start, kind)
		g.threadless["slack"] = true
		d := g.digest("morning", "slack", "0 9 * * *", "UTC", "C1")
		d.Thread = true
		p := g.start("a", d)
		g.clock.advanceTo(slot.Add(time.Minute))
		p.stop(t)
		if out := g.outcome(d, "C1", slot); out.Result != store.Failed || out.Reason != "thread: the slack poster cannot post threads" {
			t.Errorf("slot ended %s (%s); want failed, the poster cannot post threads", out.Result, out.Reason)
		}
		if n := g.slack.count(); n != 0 {
			t.Errorf("%d posts; want none", n)
		}
	})
}

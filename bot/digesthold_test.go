package bot_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/bottest"
)

// heldDigests is fakeDigests that keeps the holds it is told, as the ledger would, and answers
// like the scheduler: a date already past is refused.
type heldDigests struct {
	fakeDigests
	holds  []bot.Hold
	calls  []string
	digest []bot.Digest // when set, replaces fakeDigests' two
}

func (h *heldDigests) Digests() []bot.Digest {
	if h.digest != nil {
		return h.digest
	}
	return h.fakeDigests.Digests()
}

func (h *heldDigests) Hold(_ context.Context, hold bot.Hold) error {
	if date := hold.Skip + hold.Until; date != "" && date < "2026-01-01" {
		return errors.New(date + " has passed in UTC")
	}
	h.calls = append(h.calls, "hold "+hold.Digest+" skip="+hold.Skip+" until="+hold.Until+" by="+hold.By)
	h.holds = slices.DeleteFunc(h.holds, func(o bot.Hold) bool {
		return o.Digest == hold.Digest && o.Skip == hold.Skip
	})
	hold.At = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	h.holds = append(h.holds, hold)
	return nil
}

func (h *heldDigests) Unhold(_ context.Context, name, skip, actor string) (bool, error) {
	h.calls = append(h.calls, "unhold "+name+" skip="+skip+" by="+actor)
	n := len(h.holds)
	h.holds = slices.DeleteFunc(h.holds, func(o bot.Hold) bool { return o.Digest == name && o.Skip == skip })
	return len(h.holds) < n, nil
}

func (h *heldDigests) Holds(_ context.Context, name string) ([]bot.Hold, error) {
	var out []bot.Hold
	for _, o := range h.holds {
		if name == "" || o.Digest == name {
			out = append(out, o)
		}
	}
	return out, nil
}

func (h *heldDigests) Status(context.Context) ([]bot.ChannelStatus, error) {
	var out []bot.ChannelStatus
	for _, d := range h.Digests() {
		next := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
		if slices.ContainsFunc(h.holds, func(o bot.Hold) bool { return o.Digest == d.Name && o.Skip == "" && o.Until == "" }) {
			next = time.Time{}
		}
		out = append(out, bot.ChannelStatus{Digest: d.Name, Platform: d.Platform, Channel: d.Channels[0], Zone: time.UTC, Next: next})
	}
	return out, nil
}

// TestDigestHoldsAsTyped: moderators pause, resume, skip and unskip a digest the way each
// platform lets them say it: Slack and shell users type the words in order ("until" allowed
// before a pause's end), Discord users pick options by name. Each reaches the scheduler as the
// same hold, said by the caller.
func TestDigestHoldsAsTyped(t *testing.T) {
	slackAdmin := bot.Caller{Platform: "slack", User: "U1"}
	discordAdmin := bot.Caller{Platform: "discord", User: "80351110224678912", Manager: true}
	tests := []struct {
		name      string
		caller    bot.Caller
		line      string            // typed; empty: named
		named     map[string]string // picked by name on Discord
		wantTitle string
		wantCall  string
	}{
		{"pause typed", slackAdmin, "/digest pause morning", nil,
			"Digest morning paused", "hold morning skip= until= by=slack:U1"},
		{"pause until typed", slackAdmin, "/digest pause morning until 2027-01-04", nil,
			"Digest morning paused until 2027-01-04", "hold morning skip= until=2027-01-04 by=slack:U1"},
		{"pause date typed without until", slackAdmin, "/digest pause Morning 2027-01-04", nil,
			"Digest morning paused until 2027-01-04", "hold morning skip= until=2027-01-04 by=slack:U1"},
		{"pause until named", discordAdmin, "", map[string]string{"action": "pause", "name": "evening", "date": "2027-01-04"},
			"Digest evening paused until 2027-01-04", "hold evening skip= until=2027-01-04 by=discord:80351110224678912"},
		{"skip typed", slackAdmin, "/digest skip evening 2026-12-25", nil,
			"Digest evening skips 2026-12-25", "hold evening skip=2026-12-25 until= by=slack:U1"},
		{"skip named", discordAdmin, "", map[string]string{"action": "skip", "name": "morning", "date": "2026-12-25"},
			"Digest morning skips 2026-12-25", "hold morning skip=2026-12-25 until= by=discord:80351110224678912"},
		{"skip through the umbrella", slackAdmin, "/briefbot digest skip morning 2026-12-31", nil,
			"Digest morning skips 2026-12-31", "hold morning skip=2026-12-31 until= by=slack:U1"},
		{"resume typed", slackAdmin, "/digest resume morning", nil,
			"Digest morning was not paused", "unhold morning skip= by=slack:U1"},
		{"unskip typed", slackAdmin, "/digest unskip morning 2026-12-25", nil,
			"Digest morning did not skip 2026-12-25", "unhold morning skip=2026-12-25 by=slack:U1"},
		{"a mistyped name is answered with the names", slackAdmin, "/digest pause mornign", nil,
			"No digest matches “mornign”", ""},
		{"a mistyped name before until", slackAdmin, "/digest pause mornign until 2027-01-04", nil,
			"No digest matches “mornign”", ""},
		{"a date in another form", slackAdmin, "/digest skip morning 25/12/2026", nil,
			"“25/12/2026” is not a date", ""},
		{"skip without a date", slackAdmin, "/digest skip morning", nil, "Name the day to skip", ""},
		{"pause without a name, two digests", slackAdmin, "/digest pause", nil, "Name the digest to pause", ""},
		{"resume with a date", slackAdmin, "/digest resume morning 2027-01-04", nil, "Resume takes no date", ""},
		{"a past date, refused by the scheduler", slackAdmin, "/digest skip morning 2025-12-25", nil,
			"The digest was not changed", ""},
		{"too many words", slackAdmin, "/digest pause morning until 2027-01-04 please", nil, "Too many words", ""},
		{"not an admin", bot.Caller{Platform: "slack", User: "U2"}, "/digest pause morning", nil,
			"Only admins can pause a digest", ""},
		{"not an admin on Discord", bot.Caller{Platform: "discord", User: "1"}, "", map[string]string{"action": "skip", "name": "morning", "date": "2026-12-25"},
			"Only admins can skip a digest", ""},
		{"a manager outside a server", bot.Caller{Platform: "discord", User: "1", Manager: true, OutsideServer: true}, "",
			map[string]string{"action": "pause", "name": "morning"}, "Admin commands work in a server where briefbot is installed", ""},
		{"an admin named in the config, outside a server", bot.Caller{Platform: "slack", User: "U1", OutsideServer: true},
			"/digest skip morning 2026-12-25", nil, "Admin commands work in a server where briefbot is installed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			held := &heldDigests{}
			e := bottest.Engine(t, bot.Config{Digests: held, Access: map[string]bot.Access{
				"slack": {Users: []string{"U1"}}, "discord": {Managers: true}}})
			core := bot.NewCore(e)
			var r bot.Reply
			if tt.line != "" {
				r = core.Line(context.Background(), tt.line, tt.caller)
			} else {
				req, err := e.RequestOn("discord", "digest", tt.named)
				if err != nil {
					t.Fatal(err)
				}
				req.Caller = tt.caller
				r = core.Handle(context.Background(), req)
			}
			if !strings.Contains(r.Title, tt.wantTitle) || !r.Private {
				t.Errorf("title %q (private %v); want one with %q, private\n%s", r.Title, r.Private, tt.wantTitle, bottest.Text(r))
			}
			var want []string
			if tt.wantCall != "" {
				want = []string{tt.wantCall}
			}
			if !slices.Equal(held.calls, want) {
				t.Errorf("scheduler told %q; want %q", held.calls, want)
			}
		})
	}
}

// TestDigestHoldThenStatus: what a moderator said shows in /digest status with who said it,
// and the answer to the change itself says when the digest posts next.
func TestDigestHoldThenStatus(t *testing.T) {
	held := &heldDigests{}
	e := bottest.Engine(t, bot.Config{Digests: held, Access: map[string]bot.Access{"slack": {Users: []string{"U1"}}}})
	ana := bot.Caller{Platform: "slack", User: "U1"}
	core := bot.NewCore(e)
	line := func(l string) string {
		return bottest.Text(core.Line(context.Background(), l, ana))
	}
	if got := line("/digest pause morning"); !strings.Contains(got, "No next run until it is resumed: /digest resume morning.") {
		t.Errorf("pause answer:\n%s\nwant it to say there is no next run", got)
	}
	if got := line("/digest skip evening 2026-12-25"); !strings.Contains(got, "Next run: ") {
		t.Errorf("skip answer:\n%s\nwant the next run", got)
	}
	got := line("/digest status")
	for _, want := range []string{
		"morning → slack C1: paused: no next run until resumed",
		"Paused and skipped",
		"morning: paused until resumed by slack:U1 (",
		"evening: skips 2026-12-25 by slack:U1 (",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("/digest status:\n%s\nwant it to hold %q", got, want)
		}
	}
	if got := line("/digest status evening"); strings.Contains(got, "morning:") {
		t.Errorf("/digest status evening:\n%s\nshows another digest's holds", got)
	}
	line("/digest resume morning")
	if got := line("/digest status"); strings.Contains(got, "paused") {
		t.Errorf("/digest status after resume:\n%s\nstill says paused", got)
	}
}

// TestDigestHoldOnlyDigest: with one digest configured, its name may be left out.
func TestDigestHoldOnlyDigest(t *testing.T) {
	held := &heldDigests{}
	held.digest = held.fakeDigests.Digests()[:1]
	e := bottest.Engine(t, bot.Config{Digests: held})
	if r := bottest.Line(e, "/digest pause until 2027-01-04"); r.Title != "Digest morning paused until 2027-01-04" {
		t.Errorf("/digest pause until 2027-01-04 = %q\n%s", r.Title, bottest.Text(r))
	}
}

// TestCompleteDate: Discord offers the days the chosen digest runs next, in its zone.
func TestCompleteDate(t *testing.T) {
	held := &heldDigests{}
	e := bottest.Engine(t, bot.Config{Digests: held})
	req, err := e.RequestOn("discord", "digest", map[string]string{"action": "skip", "name": "morning"})
	if err != nil {
		t.Fatal(err)
	}
	got := e.Complete(req, "date", "", 3)
	if len(got) != 3 {
		t.Fatalf("Complete(date) = %v; want 3 days", got)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Value <= got[i-1].Value {
			t.Errorf("Complete(date) = %v; want distinct days in order", got)
		}
	}
	if _, err := time.Parse(time.DateOnly, got[0].Value); err != nil || !strings.HasPrefix(got[0].Name, got[0].Value+" (") {
		t.Errorf("Complete(date)[0] = %+v; want a date valued 2006-01-02, named with its weekday", got[0])
	}
}

package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"briefbot/briefings"
	"briefbot/internal/cron"
)

// Compose builds the digest of a briefing for one day: the summary, the issue of the day with
// every party's position, and the figure of the day. Issue and figure turn over day by day, so a
// channel reads the whole briefing over a working week instead of the same post each morning.
func Compose(b *briefings.Briefing, day time.Time) Reply {
	n := daysSinceEpoch(day)
	r := Reply{Title: "Daily briefing, " + day.Format("Monday 2 January 2006")}
	r.Blocks = append(r.Blocks, convertBlocks(b.Sections[0].Blocks)...)
	if len(b.Issues) > 0 {
		issue := b.Issues[n%len(b.Issues)]
		r.Blocks = append(r.Blocks, Block{Kind: Heading, Text: "Issue of the day: " + issue.Name})
		for i, p := range b.Parties {
			r.Fields = append(r.Fields, Field{Name: p.Name, Value: issue.Positions[i], Inline: true})
		}
	}
	if len(b.Facts) > 0 {
		f := b.Facts[n%len(b.Facts)]
		r.Fields = append(r.Fields, Field{Name: "Figure of the day: " + f.Figure, Value: f.Text + ". Source: " + f.Source + "."})
	}
	r.Actions = []Action{{Label: "Full comparison", Command: "/compare briefing:" + b.ID}}
	return sourced(r, b)
}

// digestChanges is how many changes the digest shows before pointing to /changes.
const digestChanges = 3

// ComposeDigest builds d's post for day, the slot's local date, for a channel that last got the
// briefing at version since ("" when unknown), and says which version the post carries, so that
// the next one can say what changed in between. It posts the briefing d names, or the default
// one when that is no longer loaded; a version the store cannot give back is posted without
// what changed.
func (e *Engine) ComposeDigest(ctx context.Context, d Digest, day time.Time, since string) (Reply, string) {
	b, ok := e.lib.ByID(d.Briefing)
	if !ok {
		b = e.fallback
	}
	var previous *briefings.Briefing
	if since != "" && since != b.Version && e.versions != nil {
		ctx, cancel := context.WithTimeout(ctx, versionLookup)
		previous, _ = e.versions.Version(ctx, b.ID, since)
		cancel()
	}
	return ComposeChanged(b, day, previous), b.Version
}

// versionLookup bounds the wait for the store's copy of an earlier version: a slow store costs
// the post its "what changed", not its slot.
const versionLookup = 5 * time.Second

// ComposeDigest is the engine in force's ComposeDigest: what the scheduler posts.
func (c *Core) ComposeDigest(ctx context.Context, d Digest, day time.Time, since string) (Reply, string) {
	return c.Engine().ComposeDigest(ctx, d, day, since)
}

// ComposeChanged is Compose opened by what changed since previous, the version of the briefing
// the channel last received, so that its readers learn of an edit once, in their next digest:
// how many changes of each kind, and the first few. With no previous version, or one that says
// the same, it is exactly Compose.
func ComposeChanged(b *briefings.Briefing, day time.Time, previous *briefings.Briefing) Reply {
	r := Compose(b, day)
	if previous == nil || previous.Version == b.Version {
		return r
	}
	c := briefings.Diff(previous, b)
	if c.Empty() {
		return r
	}
	groups := changeGroups(c, b)
	head := []Block{
		{Kind: Heading, Text: "Changed since the last digest"},
		{Kind: Paragraph, Text: countChanges(groups) + "."},
	}
	shown, total := 0, 0
	for _, g := range groups {
		kind := capitalized(g.one)
		for _, en := range g.entries {
			total++
			if shown == digestChanges {
				continue
			}
			shown++
			if en.Label != "" {
				en.Label = kind + ": " + en.Label
			} else {
				en.Label = kind
			}
			head = append(head, en)
		}
	}
	if more := total - shown; more > 0 {
		head = append(head, Block{Kind: Paragraph, Text: fmt.Sprintf("and %d more.", more)})
	}
	r.Blocks = append(head, r.Blocks...)
	r.Actions = append(r.Actions, Action{Label: "What changed", Command: "/changes briefing:" + b.ID})
	return r
}

func daysSinceEpoch(day time.Time) int {
	y, m, d := day.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// A Digest is one configured digest: what the scheduler posts, and what the engine answers
// /digest about. The command line makes it from the config file's digest.
type Digest struct {
	Name     string
	Briefing string // briefing id
	Platform string // "discord" or "slack": the poster that posts it
	Channels []string
	Schedule cron.Schedule // the spec as written, read in the digest's time zone
	// CatchUp is how late a missed slot is still posted, and how long a failing post is retried
	// before its slot is marked Failed; 0 for the scheduler's default.
	CatchUp time.Duration
	// Closed says whether the digest rests on date, a day of its zone written 2006-01-02, and
	// why: "skip_dates", "Christmas Day (us)", "Office closed (closures.ics)". The config's
	// skip_dates, skip_holidays and calendar make it; nil rests on no day. A slot on a closed
	// date is recorded skipped with the reason, and never caught up.
	Closed func(date string) (why string, closed bool)
	// Thread: post a headline in the channel and the digest in its thread (bot.ThreadPoster).
	Thread bool
	// Mention is a role (Discord) or user group (Slack) id that each post pings; "" for none.
	Mention string
	// OnlyWhenChanged: a slot whose briefing version is the one the channel last received is
	// recorded skipped ("no change since the last digest") instead of posted.
	OnlyWhenChanged bool
}

// Delivery says how d posts beyond the plain post, for config check and the preview: "in a
// thread, mentioning S0123ABCD, only when the briefing changed"; "" for the plain post.
func (d Digest) Delivery() string {
	var how []string
	if d.Thread {
		how = append(how, "in a thread")
	}
	if d.Mention != "" {
		how = append(how, "mentioning "+d.Mention)
	}
	if d.OnlyWhenChanged {
		how = append(how, "only when the briefing changed")
	}
	return strings.Join(how, ", ")
}

// ClosedOn is d.Closed for the day of at in d's zone; false when d has no Closed.
func (d Digest) ClosedOn(at time.Time) (why string, closed bool) {
	if d.Closed == nil {
		return "", false
	}
	return d.Closed(at.In(d.Schedule.Zone()).Format(time.DateOnly))
}

// Key is the delivery key of the digest's slot at: the digest's name and the slot's Unix time,
// such as "morning@1741514400". It is the same in every channel, on every replica and across
// restarts; posters carry it as Discord's nonce (hashed to fit) and in its embed's footer, and in
// Slack's metadata.
func (d Digest) Key(at time.Time) string {
	return d.Name + "@" + strconv.FormatInt(at.Unix(), 10)
}

// A ChannelStatus is one digest's standing in one channel, for /digest status.
type ChannelStatus struct {
	Digest, Platform, Channel string
	Zone                      *time.Location
	Next                      time.Time // the next scheduled run; zero when none
	LastResult                string    // posted, late, skipped, failed; "" before the first run
	LastAt                    time.Time // the scheduled time of the last run
	LastError                 string    // the last failure's reason, if any
	LastErrorAt               time.Time
	MayBeDoubled              bool // the last post went out without a look at the channel's history
}

// A NowResult says what /digest now did, channel by channel.
type NowResult struct {
	Posted  []string // "platform:channel" posted now
	Already []string // already posted for this minute's slot
	Failed  []string // "platform:channel: reason"
}

// A Hold is a moderator's word that a digest is not to post: a pause, from when it was said until
// a date or until resumed, or the skip of one date. Dates are days of the digest's own zone,
// written "2026-12-25".
type Hold struct {
	Digest string
	Skip   string    // the date skipped; "" for a pause
	Until  string    // the date a pause ends, on which the digest posts again; "" until resumed
	By     string    // who said it: "slack:U1", "discord:80351110224678912", "shell"
	At     time.Time // when it was said
}

// Digests is what the engine asks of the scheduler: bot/schedule provides it. A nil Digests
// means no digest is configured.
type Digests interface {
	Digests() []Digest
	// PostNow posts digest name (every digest when name is "") through the ledger as the slot of
	// the current minute, so that a second call within the minute posts nothing. actor is who
	// asked ("discord:123", "slack:U1", "shell"), for the audit trail.
	PostNow(ctx context.Context, name, actor string) (NowResult, error)
	Status(ctx context.Context) ([]ChannelStatus, error)
	// Hold records h (At is set to now) in the ledger, so that every replica and every restart
	// honours it from the next slot on: a pause replaces the digest's earlier pause, a skip adds
	// a date. A slot it covers is recorded skipped with its reason, and never caught up later.
	// It goes to the audit trail with who and when.
	Hold(ctx context.Context, h Hold) error
	// Unhold ends digest name's pause (skip "") or takes back its skip of a date, for actor, in
	// the ledger and the audit trail; it reports whether there was one.
	Unhold(ctx context.Context, name, skip, actor string) (bool, error)
	// Holds lists the holds in force for digest name ("" for every digest): each digest's pause
	// first, then its skips by date. A pause whose Until has come, or a skip whose date has
	// passed in the digest's zone, is no longer in force.
	Holds(ctx context.Context, name string) ([]Hold, error)
	// Audit lists the latest admin actions and reloads, newest first: who, what, when, outcome.
	Audit(ctx context.Context, limit int) ([]AuditLine, error)
}

// An AuditLine is one admin action or reload, as /digest status shows it.
type AuditLine struct {
	At                     time.Time
	Actor, Action, Outcome string
}

// ThreadOf splits r, d's post for day (the slot's local date), into a Thread: the headline
// carries the title, the briefing's opening paragraph and the mention, so that the channel
// reads the gist and whoever is pinged is pinged once; the detail is the whole digest.
func (d Digest) ThreadOf(r Reply, day time.Time) Thread {
	head := Reply{
		Title:    r.Title,
		Briefing: r.Briefing,
		Footer:   "The full digest is in the thread.",
		Mention:  r.Mention,
	}
	for _, b := range r.Blocks {
		if b.Kind == Paragraph {
			head.Blocks = []Block{b}
			break
		}
	}
	detail := r
	detail.Mention = ""
	return Thread{
		Title:  d.Name + ", " + day.Format("Monday 2 January 2006"),
		Head:   head,
		Detail: detail,
	}
}

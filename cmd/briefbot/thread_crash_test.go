package main

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/discord/discordtest"
	"briefbot/bot/slack/slacktest"
)

// TestThreadDigestSurvivesKillBetweenHeadlineAndDetail: thread digests every minute to three
// Slack channels, three Discord text channels and two Discord forums. In every channel the
// fakes hold the slot's first call after its headline (Slack's reply; on Discord the thread's
// start or the detail in it; a forum's one post) and briefbot serve is killed with SIGKILL
// while they wait, then started again at once. The held calls are lost with the process in one
// of two ways: never made, or made with their answer lost. Either way each channel ends with
// one headline and one detail in its thread, or one forum post whose first message is the
// detail, and the ledger says posted.
//
// Each way runs on SQLite and on PostgreSQL, the four side by side in step, not as parallel
// subtests: those would wait for free places under -parallel, and then for another minute.
func TestThreadDigestSurvivesKillBetweenHeadlineAndDetail(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a real minute to turn")
	}
	t.Parallel()
	if _, err := builtBinary(); err != nil { // before the clock matters
		t.Fatal(err)
	}
	type store struct {
		name string
		dsn  func() string // a ledger of the run's own
	}
	stores := []store{{"sqlite", func() string { return "sqlite://" + filepath.Join(t.TempDir(), "ledger.db") }}}
	if dsn := os.Getenv("BRIEFBOT_TEST_POSTGRES"); dsn != "" {
		stores = append(stores, store{"postgres", func() string { return isolatedSchema(t, dsn) }})
	} else if os.Getenv("CI") == "true" {
		t.Fatal("BRIEFBOT_TEST_POSTGRES is not set: CI must test thread digests on PostgreSQL too")
	} else {
		t.Log("BRIEFBOT_TEST_POSTGRES is not set: SQLite only")
	}
	var runs []*threadRun
	for _, st := range stores {
		for _, answerLater := range []bool{false, true} {
			r := &threadRun{name: st.name + ", call never made", answerLater: answerLater}
			if answerLater {
				r.name = st.name + ", call made, answer lost"
			}
			r.setUp(t, st.dsn())
			runs = append(runs, r)
		}
	}

	slot := slotWithRoom(time.Now())
	time.Sleep(time.Until(slot.Add(-10 * time.Second)))
	for _, r := range runs {
		r.first = r.f.start(t, "first")
	}
	for _, r := range runs {
		r.killBetweenParts(t, slot)
	}
	for _, r := range runs {
		r.checkLeft(t, slot)
	}
	for _, r := range runs {
		r.second = r.f.start(t, "second")
	}
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		settled := true
		for _, r := range runs {
			settled = r.settled(t, slot) && settled
		}
		if settled {
			break
		}
		if time.Now().After(deadline) {
			for _, r := range runs {
				if !r.settled(t, slot) {
					t.Errorf("%s: the slot was not settled in every channel:\n%s\n%s%s", r.name, r.status, r.first.log.String(), r.second.log.String())
				}
			}
			t.FailNow()
		}
	}
	for _, r := range runs {
		r.checkWhole(t, slot)
	}
}

// A threadRun is one serve killed between the parts of its thread digests and started again,
// with its own fakes and ledger.
type threadRun struct {
	name string
	// answerLater: a held call is made and its answer lost; otherwise it is never made.
	answerLater   bool
	f             *fanOut
	ch            threadChannels
	held          *heldCalls
	first, second *child
	status        string // briefbot digest status's output, on one line
}

// setUp makes the run's fakes hold the call after each channel's headline.
func (r *threadRun) setUp(t *testing.T, storeDSN string) {
	r.f, r.ch = newThreadFanOut(t, storeDSN)
	r.held = &heldCalls{channels: map[string]bool{}, holding: true, release: make(chan struct{})}
	t.Cleanup(func() { close(r.held.release) }) // so that a test failing early leaves nothing waiting
	r.f.slack.HoldAnswers, r.f.discord.HoldAnswers = r.answerLater, r.answerLater
	r.f.slack.Hold = func(method string, form url.Values) <-chan struct{} {
		if method != "chat.postMessage" || form.Get("thread_ts") == "" {
			return nil
		}
		return r.held.hold(form.Get("channel"))
	}
	r.f.discord.Hold = func(call string, _ []byte) <-chan struct{} {
		return r.held.hold(r.ch.afterHeadline(r.f.discord, call))
	}
}

// killBetweenParts waits until every channel's call after its headline is held, and counted
// held by its fake (an answer made late is made before the fake counts its call free again),
// then kills the first serve and waits until its held calls are over.
func (r *threadRun) killBetweenParts(t *testing.T, slot time.Time) {
	t.Helper()
	n := len(r.ch.slack) + len(r.ch.text) + len(r.ch.forums)
	for deadline := slot.Add(40 * time.Second); r.held.count() < n || r.f.stillHeld() < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d of %d channels reached the call after their headline:\n%s", r.name, r.held.count(), n, r.first.log.String())
		}
	}
	r.first.sigkill(t)
	for deadline := time.Now().Add(10 * time.Second); r.f.stillHeld() > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d calls still held after their caller was killed", r.name, r.f.stillHeld())
		}
	}
	r.held.stopHolding()
}

// checkLeft checks what the killed serve left of the slot: every headline, and the part of the
// held call only where it was made.
func (r *threadRun) checkLeft(t *testing.T, slot time.Time) {
	t.Helper()
	for c, want := range r.ch.leftByKill(r.answerLater) {
		if got := r.ch.tally(r.f, c, slot); got != want {
			t.Errorf("%s: killed between the parts, channel %s shows %+v; want %+v", r.name, c, got, want)
		}
	}
}

// settled reports whether every channel shows all of the slot, and the ledger says it posted.
func (r *threadRun) settled(t *testing.T, slot time.Time) bool {
	t.Helper()
	stdout, stderr, code := invoke(t, "", nil, "digest", "status", "--config", filepath.Join(r.f.dir, "second.yaml"))
	if code != 0 {
		t.Fatalf("%s: digest status = exit %d\n%s%s", r.name, code, stdout, stderr)
	}
	r.status = strings.Join(strings.Fields(stdout), " ")
	for c, want := range r.ch.whole() {
		got := r.ch.tally(r.f, c, slot)
		if got.heads < want.heads || got.threads < want.threads || got.details < want.details || !slotPosted(r.status, c, slot) {
			return false
		}
	}
	return true
}

// checkWhole checks that the slot was posted once in every channel, whole, and nothing twice.
func (r *threadRun) checkWhole(t *testing.T, slot time.Time) {
	t.Helper()
	for c, want := range r.ch.whole() {
		if got := r.ch.tally(r.f, c, slot); got != want {
			t.Errorf("%s: channel %s after the restart shows %+v; want %+v", r.name, c, got, want)
		}
	}
	if strings.Contains(r.status, "may be doubled") {
		t.Errorf("%s: digest status says a post may be doubled:\n%s", r.name, r.status)
	}
	for part, n := range partsPosted(r.f) {
		if n > 1 {
			t.Errorf("%s: %s posted %d times", r.name, part, n)
		}
	}
}

// threadChannels are the channels of the thread digests, by what a thread is in each.
type threadChannels struct {
	slack, text, forums []string
	// holdStart: text channels where the thread's start is held; in the others, the detail.
	holdStart map[string]bool
}

// newThreadFanOut is two thread digests every minute, thread-slack to three Slack channels
// and thread-discord to three Discord text channels and two forums.
func newThreadFanOut(t *testing.T, storeDSN string) (*fanOut, threadChannels) {
	f := &fanOut{discord: discordtest.NewFake(t), slack: slacktest.NewWebAPI(t), dir: t.TempDir()}
	f.discord.ForgetNonces = true // Discord keeps a nonce a few minutes only: no help after a crash
	ch := threadChannels{holdStart: map[string]bool{}}
	for i := range 3 {
		ch.slack = append(ch.slack, fmt.Sprintf("C%07d", 700+i))
		ch.text = append(ch.text, fmt.Sprint(645027906669530000+i))
		ch.holdStart[ch.text[i]] = i%2 == 0
	}
	for i := range 2 {
		ch.forums = append(ch.forums, fmt.Sprint(645027906669530100+i))
		f.discord.ChannelTypes[ch.forums[i]] = discordtest.ForumChannel
	}
	f.slackChannels, f.discordChannels = ch.slack, slices.Concat(ch.text, ch.forums)
	f.config = fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
discord: {token: %q, application_id: %q, api_url: %q}
slack: {bot_token: %q, signing_secret: "s", api_url: %q}
digests:
  - {name: thread-slack, platform: slack, schedule: "* * * * *", timezone: UTC, thread: true, channels: [%s]}
  - {name: thread-discord, platform: discord, schedule: "* * * * *", timezone: UTC, thread: true, channels: [%s]}
store: {dsn: %q}
`, discordtest.Token, discordtest.AppID, f.discord.APIURL(), slacktest.BotToken, f.slack.URL(),
		strings.Join(f.slackChannels, ", "), strings.Join(f.discordChannels, ", "), storeDSN)
	return f, ch
}

// slotWithRoom is the first minute's turn after now that leaves serve, started 10 seconds
// before it (or now, when that is past), time to load its digests: the first slot they owe.
func slotWithRoom(now time.Time) time.Time {
	slot := now.Truncate(time.Minute).Add(time.Minute)
	if slot.Sub(now) < 8*time.Second {
		slot = slot.Add(time.Minute)
	}
	return slot
}

// afterHeadline is the channel whose call after its headline call is: a text channel's thread
// start (where holdStart says) or the detail in its thread (in the others), or a forum's post;
// "" for any other call.
func (ch threadChannels) afterHeadline(fake *discordtest.Fake, call string) string {
	path, ok := strings.CutPrefix(call, "POST /channels/")
	if !ok {
		return ""
	}
	parts := strings.Split(path, "/")
	switch {
	case len(parts) == 2 && parts[1] == "threads" && slices.Contains(ch.forums, parts[0]):
		return parts[0]
	case len(parts) == 4 && parts[1] == "messages" && parts[3] == "threads" && ch.holdStart[parts[0]]:
		return parts[0]
	case len(parts) == 2 && parts[1] == "messages":
		fake.Mu.Lock()
		defer fake.Mu.Unlock()
		for _, th := range fake.Threads {
			if th.ID == parts[0] && slices.Contains(ch.text, th.Parent) && !ch.holdStart[th.Parent] {
				return th.Parent
			}
		}
	}
	return ""
}

// A threadTally is what a channel shows of one slot of a thread digest.
type threadTally struct {
	heads   int // headlines in the channel
	threads int // threads on those headlines; in a forum, posts of the slot
	details int // details in those threads; in a forum, as a post's first message
	strays  int // parts of the slot anywhere else: a detail in the channel, a headline in a thread
}

// whole is what each channel shows of a slot posted once: a headline with the detail in its
// thread, or in a forum one post.
func (ch threadChannels) whole() map[string]threadTally {
	out := map[string]threadTally{}
	for _, c := range slices.Concat(ch.slack, ch.text) {
		out[c] = threadTally{heads: 1, threads: 1, details: 1}
	}
	for _, c := range ch.forums {
		out[c] = threadTally{threads: 1, details: 1}
	}
	return out
}

// leftByKill is what each channel shows of the slot after the process was killed with the call
// after its headline held: the headline, and the held call's part when the call was made.
func (ch threadChannels) leftByKill(made bool) map[string]threadTally {
	held := 0
	if made {
		held = 1
	}
	out := map[string]threadTally{}
	for _, c := range ch.slack {
		out[c] = threadTally{heads: 1, threads: held, details: held}
	}
	for _, c := range ch.text {
		out[c] = threadTally{heads: 1, threads: 1, details: held}
		if ch.holdStart[c] {
			out[c] = threadTally{heads: 1, threads: held}
		}
	}
	for _, c := range ch.forums {
		out[c] = threadTally{threads: held, details: held}
	}
	return out
}

// tally is what channel shows of slot.
func (ch threadChannels) tally(f *fanOut, channel string, slot time.Time) threadTally {
	at := fmt.Sprint(slot.Unix())
	switch {
	case slices.Contains(ch.slack, channel):
		return slackThread(f.slack, channel, "thread-slack@"+at)
	case slices.Contains(ch.forums, channel):
		return forumPost(f.discord, channel, "thread-discord@"+at, "thread-discord, "+slot.UTC().Format("Monday 2 January 2006"))
	default:
		return discordThread(f.discord, channel, "thread-discord@"+at)
	}
}

// slackThread tallies channel's messages for key: a headline's thread is its replies.
func slackThread(fake *slacktest.WebAPI, channel, key string) threadTally {
	var tally threadTally
	heads, threads := map[string]bool{}, map[string]bool{}
	messages := fake.InChannel(channel)
	for _, m := range messages {
		if m.Key == key && m.ThreadTS == "" {
			tally.heads++
			heads[m.TS] = true
		}
	}
	for _, m := range messages {
		switch {
		case m.Key == key+bot.DetailKey && heads[m.ThreadTS]:
			tally.details++
			threads[m.ThreadTS] = true
		case m.Key == key+bot.DetailKey, m.Key == key && m.ThreadTS != "":
			tally.strays++
		}
	}
	tally.threads = len(threads)
	return tally
}

// discordThread tallies a text channel's messages and threads for key: a thread takes the id of
// the headline it was started on.
func discordThread(fake *discordtest.Fake, channel, key string) threadTally {
	fake.Mu.Lock()
	defer fake.Mu.Unlock()
	var tally threadTally
	heads := map[string]bool{}
	for _, m := range fake.Messages {
		if m.Channel == channel && carriesKey(m.Body, key) {
			tally.heads++
			heads[m.ID] = true
		}
	}
	for _, th := range fake.Threads {
		if th.Parent == channel && heads[th.ID] {
			tally.threads++
		}
	}
	for _, m := range fake.Messages {
		switch {
		case m.Parent == channel && carriesKey(m.Body, key+bot.DetailKey) && heads[m.Channel]:
			tally.details++
		case m.Channel == channel && carriesKey(m.Body, key+bot.DetailKey), m.Parent == channel && carriesKey(m.Body, key):
			tally.strays++
		}
	}
	return tally
}

// forumPost tallies a forum's posts for key: a post titled title whose first message, with the
// post's id, is the detail. Any other message of the slot in the forum is a stray.
func forumPost(fake *discordtest.Fake, forum, key, title string) threadTally {
	fake.Mu.Lock()
	defer fake.Mu.Unlock()
	var tally threadTally
	titles := map[string]string{} // post id -> title
	for _, th := range fake.Threads {
		if th.Parent == forum {
			titles[th.ID] = th.Name
		}
	}
	for _, m := range fake.Messages {
		if m.Channel != forum && m.Parent != forum || !carriesKey(m.Body, key) && !carriesKey(m.Body, key+bot.DetailKey) {
			continue
		}
		if name, ok := titles[m.ID]; ok && name == title && m.Channel == m.ID && carriesKey(m.Body, key+bot.DetailKey) {
			tally.threads++
			tally.details++
		} else {
			tally.strays++
		}
	}
	return tally
}

// carriesKey reports whether a Discord message's body carries key, as the footer of one of its
// embeds ends: "… · digest thread-discord@1767225600".
func carriesKey(body []byte, key string) bool {
	return bytes.Contains(body, []byte("digest "+key+`"`))
}

// footerKey reads the delivery key from a Discord message's body, where it ends a footer.
var footerKey = regexp.MustCompile(`digest ([^"\s]+@\d+(?:/detail)?)"`)

// partsPosted counts the parts of every slot posted by channel (a thread's part by the
// channel the thread is in) and key: none may be there twice.
func partsPosted(f *fanOut) map[string]int {
	out := map[string]int{}
	for c, keys := range f.slack.ByChannel() {
		for k, n := range keys {
			out["slack "+c+" "+k] += n
		}
	}
	f.discord.Mu.Lock()
	defer f.discord.Mu.Unlock()
	for _, m := range f.discord.Messages {
		where := m.Channel
		if m.Parent != "" {
			where = m.Parent
		}
		if k := footerKey.FindSubmatch(m.Body); k != nil {
			out["discord "+where+" "+string(k[1])]++
		}
	}
	return out
}

// slotPosted reports whether status, briefbot digest status's output on one line, says that
// channel's last slot is slot, posted.
func slotPosted(status, channel string, slot time.Time) bool {
	at := bot.StampText(bot.Stamp{At: slot, Zone: time.UTC})
	_, line, ok := strings.Cut(status, " "+channel+": ")
	if !ok {
		return false
	}
	line, _, _ = strings.Cut(line, " → ") // the next channel's
	return strings.Contains(line, "; last posted ("+at+")") || strings.Contains(line, "; last late ("+at+")")
}

// heldCalls holds, until the process that made them is killed, the call after each channel's
// headline, and remembers which channels got that far.
type heldCalls struct {
	mu       sync.Mutex
	channels map[string]bool
	holding  bool
	release  chan struct{}
}

// hold holds the call after channel's headline ("" for any other call) while holding.
func (h *heldCalls) hold(channel string) <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.holding || channel == "" {
		return nil
	}
	h.channels[channel] = true
	return h.release
}

// count is how many channels got as far as the call after their headline.
func (h *heldCalls) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.channels)
}

// stopHolding lets the calls of the process started next through.
func (h *heldCalls) stopHolding() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.holding = false
}

// stillHeld counts the calls the fakes hold now.
func (f *fanOut) stillHeld() int {
	f.slack.Mu.Lock()
	n := f.slack.Holding
	f.slack.Mu.Unlock()
	f.discord.Mu.Lock()
	defer f.discord.Mu.Unlock()
	return n + f.discord.Holding
}

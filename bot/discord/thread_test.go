package discord_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/discord"
	"briefbot/bot/discord/discordtest"
)

const (
	roleID    = "839112758301425664"
	threadKey = "morning@1744016400"
)

// digestThread is the embedded briefing's digest as a thread, pinging roleID.
func digestThread(tb testing.TB) bot.Thread {
	r := digest(tb)
	r.Mention = roleID
	return bot.Digest{Name: "morning"}.ThreadOf(r, day())
}

// A posted message, as the tests read the bodies the fake kept.
type posted struct {
	Content         string  `json:"content"`
	Embeds          []embed `json:"embeds"`
	Nonce           string  `json:"nonce"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
		Roles []string `json:"roles"`
		Users []string `json:"users"`
	} `json:"allowed_mentions"`
}

func readPosted(tb testing.TB, body []byte) posted {
	tb.Helper()
	var p posted
	if err := json.Unmarshal(body, &p); err != nil {
		tb.Fatalf("posted body: %v\n%s", err, body)
	}
	return p
}

// key is the delivery key in the message's footer, "" when it carries none.
func (p posted) key() string {
	for i := len(p.Embeds) - 1; i >= 0; i-- {
		if f := p.Embeds[i].Footer; f != nil {
			if at := strings.LastIndex(f.Text, "digest "); at >= 0 {
				return f.Text[at+len("digest "):]
			}
		}
	}
	return ""
}

// pingsOnly checks that the message pings role and nothing else ("" for no one).
func (p posted) pingsOnly(tb testing.TB, role string) {
	tb.Helper()
	am := p.AllowedMentions
	if am == nil || am.Parse == nil || len(am.Parse) != 0 || len(am.Users) != 0 {
		tb.Errorf("allowed_mentions %+v, want parse [] and no users", am)
		return
	}
	switch {
	case role == "" && (len(am.Roles) != 0 || p.Content != ""):
		tb.Errorf("content %q, roles %v: want no mention", p.Content, am.Roles)
	case role != "" && (len(am.Roles) != 1 || am.Roles[0] != role || p.Content != "<@&"+role+">"):
		tb.Errorf("content %q, roles %v: want <@&%s> and roles [%s]", p.Content, am.Roles, role, role)
	}
}

func posts(calls []string) int {
	n := 0
	for _, c := range calls {
		if strings.HasPrefix(c, "POST ") {
			n++
		}
	}
	return n
}

// checkOnHeadline checks a text channel after a thread's delivery: one headline carrying key,
// one thread on it named title, one detail in the thread carrying key/detail, and only the
// headline pinging role.
func checkOnHeadline(t *testing.T, f *discordtest.Fake, channel, key, title, head string) {
	t.Helper()
	var heads, details []discordtest.Message
	for _, m := range f.Posts(channel) {
		switch k := readPosted(t, m.Body).key(); {
		case m.Channel == channel && k == key:
			heads = append(heads, m)
		case m.Parent == channel && k == key+bot.DetailKey:
			details = append(details, m)
		}
	}
	if len(heads) != 1 || len(details) != 1 {
		t.Fatalf("%d headlines, %d details; want one of each", len(heads), len(details))
	}
	if heads[0].ID != head {
		t.Errorf("PostThread = %s, want the headline's id %s", head, heads[0].ID)
	}
	threads := f.ThreadsIn(channel)
	if len(threads) != 1 || threads[0].ID != head || threads[0].Name != title {
		t.Errorf("threads %+v, want one on the headline %s named %q", threads, head, title)
	}
	if details[0].Channel != head {
		t.Errorf("detail in channel %s, want the headline's thread %s", details[0].Channel, head)
	}
	readPosted(t, heads[0].Body).pingsOnly(t, roleID)
	readPosted(t, details[0].Body).pingsOnly(t, "")
}

// TestPostThreadOnHeadline: in a text or announcement channel, a headline, a thread started on
// it and the detail in the thread; after a crash at any point, a Look posts only what is
// missing.
func TestPostThreadOnHeadline(t *testing.T) {
	sch := loadSchemas(t)
	th := digestThread(t)
	tests := []struct {
		name  string
		crash func(t *testing.T, f *discordtest.Fake, p *discord.Poster) // what an earlier attempt left
		posts int                                                        // POSTs the Look makes
	}{
		{"nothing posted", func(*testing.T, *discordtest.Fake, *discord.Poster) {}, 3},
		{"headline only", func(t *testing.T, f *discordtest.Fake, p *discord.Poster) {
			if _, err := p.Post(t.Context(), channelID, threadKey, th.Head); err != nil {
				t.Fatal(err)
			}
		}, 2},
		{"headline and thread, no detail", func(t *testing.T, f *discordtest.Fake, p *discord.Poster) {
			id, err := p.Post(t.Context(), channelID, threadKey, th.Head)
			if err != nil {
				t.Fatal(err)
			}
			f.Mu.Lock()
			f.Threads = append(f.Threads, discordtest.Thread{ID: id, Parent: channelID, Name: th.Title})
			f.Mu.Unlock()
		}, 1},
		{"everything posted", func(t *testing.T, f *discordtest.Fake, p *discord.Poster) {
			if _, _, err := p.PostThread(t.Context(), channelID, threadKey, th); err != nil {
				t.Fatal(err)
			}
		}, 0},
	}
	for kind, typ := range map[string]int{"text": discordtest.TextChannel, "announcement": discordtest.AnnouncementChannel} {
		for _, tc := range tests {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				f := discordtest.NewFake(t)
				f.ChannelTypes[channelID] = typ
				f.ForgetNonces = true // the look alone must keep each part single
				p := restBot(t, f, embeddedCore(t), discord.Config{}).Poster()
				tc.crash(t, f, p)
				before := len(f.Calls)

				look := th
				look.Look = true
				id, mayDouble, err := p.PostThread(t.Context(), channelID, threadKey, look)
				if err != nil || mayDouble {
					t.Fatalf("PostThread(Look) = %q, %v, %v; want no error, not doubled", id, mayDouble, err)
				}
				checkOnHeadline(t, f, channelID, threadKey, th.Title, id)
				if n := posts(f.Calls[before:]); n != tc.posts {
					t.Errorf("the Look made %d POSTs, want %d: %v", n, tc.posts, f.Calls[before:])
				}
				t.Run("schema", func(t *testing.T) {
					for _, m := range f.Posts(channelID) {
						sch.validate(t, messageSchema, m.Body)
					}
					for _, body := range f.ThreadStarts {
						sch.validate(t, threadStartSchema, body)
					}
				})
			})
		}
	}
}

// TestPostThreadFirstAttempt: without Look nothing is looked for: the channel's type, then
// the headline, the thread and the detail, and the type is not read again for the next slot.
func TestPostThreadFirstAttempt(t *testing.T) {
	f := discordtest.NewFake(t)
	p := restBot(t, f, embeddedCore(t), discord.Config{}).Poster()
	th := digestThread(t)
	id, mayDouble, err := p.PostThread(t.Context(), channelID, threadKey, th)
	if err != nil || mayDouble {
		t.Fatalf("PostThread = %q, %v, %v", id, mayDouble, err)
	}
	checkOnHeadline(t, f, channelID, threadKey, th.Title, id)
	want := []string{
		"GET /channels/" + channelID,
		"POST /channels/" + channelID + "/messages",
		"POST /channels/" + channelID + "/messages/" + id + "/threads",
		"POST /channels/" + id + "/messages",
	}
	if strings.Join(f.Calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(f.Calls, "\n"), strings.Join(want, "\n"))
	}
	var start struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(f.ThreadStarts[0], &start); err != nil || start.Name != "morning, Monday 7 April 2025" {
		t.Errorf("thread start %s, want the name morning, Monday 7 April 2025", f.ThreadStarts[0])
	}
	before := len(f.Calls)
	if _, _, err := p.PostThread(t.Context(), channelID, "morning@1744102800", th); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Calls) - before; n != 3 {
		t.Errorf("the next slot made %d calls, want 3 (the channel's type remembered): %v", n, f.Calls[before:])
	}
}

// checkForum checks a forum after a thread's delivery: exactly one post carrying key/detail in
// its first message, titled title, pinging role; no message in the forum itself.
func checkForum(t *testing.T, f *discordtest.Fake, forum, key, title, id string) {
	t.Helper()
	var mine []discordtest.Message
	for _, m := range f.Posts(forum) {
		if m.Channel == forum {
			t.Errorf("a message %s was posted in the forum itself", m.ID)
		}
		if readPosted(t, m.Body).key() == key+bot.DetailKey {
			mine = append(mine, m)
		}
	}
	if len(mine) != 1 {
		t.Fatalf("%d posts carry the key, want 1", len(mine))
	}
	m := mine[0]
	if m.ID != id || m.Channel != id || m.Parent != forum {
		t.Errorf("PostThread = %s; the post's first message is %s in %s under %s, want the post's own id", id, m.ID, m.Channel, m.Parent)
	}
	var thread *discordtest.Thread
	for _, th := range f.ThreadsIn(forum) {
		if th.ID == id {
			thread = &th
		}
	}
	if thread == nil || thread.Name != title {
		t.Errorf("post %+v, want one titled %q", thread, title)
	}
	p := readPosted(t, m.Body)
	p.pingsOnly(t, roleID)
	if p.Nonce != "" {
		t.Errorf("a forum post's message has nonce %q; Discord takes none there", p.Nonce)
	}
	if len(p.Embeds) == 0 || p.Embeds[0].Title != "Daily briefing, Monday 7 April 2025" || len(p.Embeds[0].Fields) == 0 && len(p.Embeds) == 1 {
		t.Errorf("the post's message is not the whole digest: %+v", p.Embeds)
	}
}

// TestPostThreadForum: in a forum or media channel, one post titled after the thread whose first
// message is the detail; after a crash, a Look finds the post, active or archived.
func TestPostThreadForum(t *testing.T) {
	sch := loadSchemas(t)
	const forum = "645027906669510999"
	th := digestThread(t)
	tests := []struct {
		name  string
		crash func(t *testing.T, f *discordtest.Fake, p *discord.Poster)
		posts int // POSTs the Look makes
		total int // posts in the forum afterwards
	}{
		{"nothing posted", func(*testing.T, *discordtest.Fake, *discord.Poster) {}, 1, 1},
		{"posted", func(t *testing.T, f *discordtest.Fake, p *discord.Poster) {
			if _, _, err := p.PostThread(t.Context(), forum, threadKey, th); err != nil {
				t.Fatal(err)
			}
		}, 0, 1},
		{"posted, since archived", func(t *testing.T, f *discordtest.Fake, p *discord.Poster) {
			id, _, err := p.PostThread(t.Context(), forum, threadKey, th)
			if err != nil {
				t.Fatal(err)
			}
			f.Archive(id)
		}, 0, 1},
		{"another slot's post of the same title", func(t *testing.T, f *discordtest.Fake, p *discord.Poster) {
			if _, _, err := p.PostThread(t.Context(), forum, "morning@1743930000", th); err != nil {
				t.Fatal(err)
			}
		}, 1, 2},
	}
	for kind, typ := range map[string]int{"forum": discordtest.ForumChannel, "media": discordtest.MediaChannel} {
		for _, tc := range tests {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				f := discordtest.NewFake(t)
				f.ChannelTypes[forum] = typ
				p := restBot(t, f, embeddedCore(t), discord.Config{}).Poster()
				tc.crash(t, f, p)
				before := len(f.Calls)

				look := th
				look.Look = true
				id, mayDouble, err := p.PostThread(t.Context(), forum, threadKey, look)
				if err != nil || mayDouble {
					t.Fatalf("PostThread(Look) = %q, %v, %v; want no error, not doubled", id, mayDouble, err)
				}
				checkForum(t, f, forum, threadKey, th.Title, id)
				if n := posts(f.Calls[before:]); n != tc.posts {
					t.Errorf("the Look made %d POSTs, want %d: %v", n, tc.posts, f.Calls[before:])
				}
				if n := len(f.ThreadsIn(forum)); n != tc.total {
					t.Errorf("%d posts in the forum, want %d", n, tc.total)
				}
				t.Run("schema", func(t *testing.T) {
					for _, body := range f.ThreadStarts {
						sch.validate(t, forumPostSchema, body)
						sch.validate(t, forumThreadSchema, body)
					}
				})
			})
		}
	}
}

// TestPostThreadForumGolden: the body of a forum post, as sent.
func TestPostThreadForumGolden(t *testing.T) {
	const forum = "645027906669510999"
	f := discordtest.NewFake(t)
	f.ChannelTypes[forum] = discordtest.ForumChannel
	p := restBot(t, f, embeddedCore(t), discord.Config{}).Poster()
	if _, _, err := p.PostThread(t.Context(), forum, threadKey, digestThread(t)); err != nil {
		t.Fatal(err)
	}
	if want := []string{"GET /channels/" + forum, "POST /channels/" + forum + "/threads"}; strings.Join(f.Calls, " ") != strings.Join(want, " ") {
		t.Errorf("calls %v, want %v", f.Calls, want)
	}
	golden(t, "thread-forum", f.ThreadStarts[0])
}

// TestPostThreadHistoryHidden: a Look where the bot may not read history posts anyway and says
// the digest may show twice; without Look nothing is read, and nothing is said.
func TestPostThreadHistoryHidden(t *testing.T) {
	const forum = "645027906669510999"
	th := digestThread(t)
	for _, channel := range []string{channelID, forum} {
		t.Run(channel, func(t *testing.T) {
			f := discordtest.NewFake(t)
			f.ChannelTypes[forum] = discordtest.ForumChannel
			f.ForgetNonces = true
			p := restBot(t, f, embeddedCore(t), discord.Config{}).Poster()
			if _, mayDouble, err := p.PostThread(t.Context(), channel, threadKey, th); err != nil || mayDouble {
				t.Fatalf("PostThread = %v, %v", mayDouble, err)
			}
			f.Mu.Lock()
			f.Hidden[channel] = true
			f.Mu.Unlock()
			look := th
			look.Look = true
			if _, mayDouble, err := p.PostThread(t.Context(), channel, threadKey, look); err != nil || !mayDouble {
				t.Errorf("PostThread(Look) on a hidden history = %v, %v; want posted, may be doubled", mayDouble, err)
			}
			if _, mayDouble, err := p.PostThread(t.Context(), channel, "morning@1744102800", th); err != nil || mayDouble {
				t.Errorf("PostThread without Look = %v, %v; want posted, not doubled", mayDouble, err)
			}
		})
	}
}

// TestPostThreadRateLimited: a short 429 on the thread's start is waited out; a long one is
// handed back, and the retry, with Look, posts only what is missing.
func TestPostThreadRateLimited(t *testing.T) {
	th := digestThread(t)
	starts := func(f *discordtest.Fake) int {
		n := 0
		for _, c := range f.Calls {
			if strings.HasPrefix(c, "POST ") && strings.HasSuffix(c, "/threads") {
				n++
			}
		}
		return n
	}
	t.Run("short", func(t *testing.T) {
		f := discordtest.NewFake(t)
		f.ThreadLimited[channelID] = 1
		p := restBot(t, f, embeddedCore(t), discord.Config{}).Poster()
		id, _, err := p.PostThread(t.Context(), channelID, threadKey, th)
		if err != nil {
			t.Fatalf("PostThread: %v", err)
		}
		checkOnHeadline(t, f, channelID, threadKey, th.Title, id)
		if n := starts(f); n != 2 {
			t.Errorf("%d thread starts, want 2 (the 429, then the start)", n)
		}
	})
	t.Run("long", func(t *testing.T) {
		f := discordtest.NewFake(t)
		f.ThreadLimited[channelID], f.RetryAfter = 100, 30
		f.ForgetNonces = true
		p := restBot(t, f, embeddedCore(t), discord.Config{}).Poster()
		start := time.Now()
		_, _, err := p.PostThread(t.Context(), channelID, threadKey, th)
		var pe *bot.PostError
		if !errors.As(err, &pe) || pe.Permanent || pe.Code != "429" || pe.RetryAfter != 30*time.Second {
			t.Fatalf("PostThread = %v, want a temporary 429 to retry after 30s", err)
		}
		if time.Since(start) > 10*time.Second {
			t.Errorf("PostThread slept %v on a 30 s Retry-After", time.Since(start))
		}
		if n := starts(f); n != 1 {
			t.Errorf("%d thread starts, want 1", n)
		}
		f.Mu.Lock()
		f.ThreadLimited[channelID], f.RetryAfter = 0, 0.05
		f.Mu.Unlock()
		// The scheduler retries once the 30 s have passed. Another Bot stands for that later
		// attempt: this one's discordgo would hold the request until the bucket's reset.
		later := restBot(t, f, embeddedCore(t), discord.Config{}).Poster()
		look := th
		look.Look = true
		id, mayDouble, err := later.PostThread(t.Context(), channelID, threadKey, look)
		if err != nil || mayDouble {
			t.Fatalf("PostThread(Look) after the wait = %v, %v", mayDouble, err)
		}
		checkOnHeadline(t, f, channelID, threadKey, th.Title, id)
	})
	t.Run("forum", func(t *testing.T) {
		const forum = "645027906669510999"
		f := discordtest.NewFake(t)
		f.ChannelTypes[forum] = discordtest.ForumChannel
		f.ThreadLimited[forum] = 1
		p := restBot(t, f, embeddedCore(t), discord.Config{}).Poster()
		id, _, err := p.PostThread(t.Context(), forum, threadKey, th)
		if err != nil {
			t.Fatalf("PostThread: %v", err)
		}
		checkForum(t, f, forum, threadKey, th.Title, id)
		if n := starts(f); n != 2 {
			t.Errorf("%d posts started, want 2 (the 429, then the post)", n)
		}
	})
}

func TestPostThreadErrors(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(f *discordtest.Fake)
		channel   string
		mention   string
		permanent bool
		code      string
	}{
		{"unknown channel", func(f *discordtest.Fake) {
			f.Fail[channelID] = discordtest.Failure{Status: http.StatusNotFound, Code: 10003, Message: "Unknown Channel"}
		}, channelID, roleID, true, "10003"},
		{"missing access", func(f *discordtest.Fake) {
			f.Fail[channelID] = discordtest.Failure{Status: http.StatusForbidden, Code: 50001, Message: "Missing Access"}
		}, channelID, roleID, true, "50001"},
		{"server error", func(f *discordtest.Fake) {
			f.Fail[channelID] = discordtest.Failure{Status: http.StatusInternalServerError, Message: "500: Internal Server Error"}
		}, channelID, roleID, false, "500"},
		{"voice channel", func(f *discordtest.Fake) { f.ChannelTypes[channelID] = 2 }, channelID, roleID, true, "no_threads"},
		{"mention not a role id", nil, channelID, "everyone", true, "invalid_mention"},
		{"mention not a role id, in a forum", func(f *discordtest.Fake) { f.ChannelTypes[channelID] = discordtest.ForumChannel },
			channelID, "<@&1>", true, "invalid_mention"},
		{"channel not an id", nil, "../../users/@me", roleID, true, "invalid_channel"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := discordtest.NewFake(t)
			if tc.setup != nil {
				tc.setup(f)
			}
			p := restBot(t, f, embeddedCore(t), discord.Config{}).Poster()
			r := digest(t)
			r.Mention = tc.mention
			_, _, err := p.PostThread(t.Context(), tc.channel, threadKey, bot.Digest{Name: "morning"}.ThreadOf(r, day()))
			var pe *bot.PostError
			if !errors.As(err, &pe) || pe.Permanent != tc.permanent || pe.Code != tc.code {
				t.Fatalf("PostThread = %v; want a PostError{Permanent: %v, Code: %q}", err, tc.permanent, tc.code)
			}
			if tc.code == "no_threads" && !strings.Contains(err.Error(), "channel type 2 has no threads") {
				t.Errorf("error %q does not name the channel's type", err)
			}
			if len(f.Messages) != 0 || len(f.Threads) != 0 {
				t.Errorf("%d messages, %d threads made", len(f.Messages), len(f.Threads))
			}
		})
	}
}

// TestPostThreadChannelTypeRead: the channel's type is read again after ten minutes, and after a
// failed post, so that a channel made a forum meanwhile gets a forum's post.
func TestPostThreadChannelTypeRead(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(1744000000, 0)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	f := discordtest.NewFake(t)
	p := restBot(t, f, embeddedCore(t), discord.Config{Now: clock}).Poster()
	th := digestThread(t)
	reads := func() int { return f.CallsTo("GET /channels/" + channelID) }
	post := func(key string) error {
		_, _, err := p.PostThread(t.Context(), channelID, key, th)
		return err
	}
	for _, key := range []string{"morning@1", "morning@2"} {
		if err := post(key); err != nil {
			t.Fatal(err)
		}
	}
	if n := reads(); n != 1 {
		t.Errorf("the type was read %d times for two slots, want once", n)
	}
	mu.Lock()
	now = now.Add(11 * time.Minute)
	mu.Unlock()
	if err := post("morning@3"); err != nil || reads() != 2 {
		t.Errorf("after 11 minutes: %v, %d reads of the type; want it read again", err, reads())
	}

	f.Mu.Lock()
	f.ChannelTypes[channelID] = discordtest.ForumChannel
	f.Mu.Unlock()
	if err := post("morning@4"); err == nil {
		t.Fatal("a headline posted in what is now a forum")
	}
	if err := post("morning@4"); err != nil {
		t.Errorf("the retry in the forum = %v", err)
	}
	if n := len(f.ThreadsIn(channelID)); n != 4 {
		t.Errorf("%d threads, want 3 on headlines and a forum post", n)
	}
}

// TestPostMention: a digest's mention pings its role alone, whatever the text quotes.
func TestPostMention(t *testing.T) {
	sch := loadSchemas(t)
	f := discordtest.NewFake(t)
	p := restBot(t, f, embeddedCore(t), discord.Config{}).Poster()
	r := digest(t)
	r.Mention = roleID
	r.Blocks = append(r.Blocks, bot.Block{Kind: bot.Paragraph, Text: "Quoted: <@&111111111111111111> <@222222222222222222> @everyone @here"})
	if _, err := p.Post(t.Context(), channelID, threadKey, r); err != nil {
		t.Fatal(err)
	}
	body := f.Messages[0].Body
	readPosted(t, body).pingsOnly(t, roleID)
	t.Run("schema", func(t *testing.T) { sch.validate(t, messageSchema, body) })
	golden(t, "post-mention", body)

	// Without a mention, nothing pings and there is no content.
	r.Mention = ""
	if _, err := p.Post(t.Context(), channelID, "morning@1744102800", r); err != nil {
		t.Fatal(err)
	}
	readPosted(t, f.Messages[1].Body).pingsOnly(t, "")

	r.Mention = "839112758301425664>, <@&1"
	_, err := p.Post(t.Context(), channelID, "morning@1744189200", r)
	var pe *bot.PostError
	if !errors.As(err, &pe) || !pe.Permanent || pe.Code != "invalid_mention" || len(f.Messages) != 2 {
		t.Errorf("Post with a mention that is not a role id = %v with %d messages; want a permanent invalid_mention, nothing posted", err, len(f.Messages))
	}
}

// TestAnswerNeverPings: an answer to a command pings no one, even from a reply that names a
// mention: only a digest's post may.
func TestAnswerNeverPings(t *testing.T) {
	r := digest(t)
	r.Mention = roleID
	raw, err := json.Marshal(discord.Response(r))
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Data posted `json:"data"`
	}
	if err := json.Unmarshal(raw, &resp); err != nil {
		t.Fatal(err)
	}
	resp.Data.pingsOnly(t, "")
	if strings.Contains(string(raw), roleID) {
		t.Errorf("the answer names the role: %s", raw)
	}
}

// TestValidMention: what a digest's mention may be on Discord.
func TestValidMention(t *testing.T) {
	for id, want := range map[string]bool{roleID: true, "": false, "everyone": false, "<@&1>": false, "1 2": false, "123456789012345678901": false} {
		if got := discord.ValidMention(id); got != want {
			t.Errorf("ValidMention(%q) = %v, want %v", id, got, want)
		}
	}
}

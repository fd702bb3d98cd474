package discord

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
)

const (
	// channelKindLife is how long a channel's type is trusted once read. A channel is seldom
	// made a forum, and a post that fails forgets what it knew, so the next reads it again.
	channelKindLife = 10 * time.Minute
	// maxThreadName is Discord's limit on a thread's name.
	maxThreadName = 100
	// threadLookBack is how far back a Look reads a channel for the headline when the Thread
	// does not say since when: a slot is posted within its catch-up window (two hours unless
	// configured), so a day back holds any earlier attempt.
	threadLookBack = 24 * time.Hour
	// archivedPages bounds a Look through a forum's archived posts, 100 a page: a post made
	// within the catch-up window is almost always still active.
	archivedPages = 2
)

// A channelKind is what PostThread needs to know of a channel: its type, and for a forum the
// guild whose active threads list its posts.
type channelKind struct {
	typ   discordgo.ChannelType
	guild string
	read  time.Time
}

// threadStart is the body of POST /channels/{id}/messages/{id}/threads.
type threadStart struct {
	Name string `json:"name"`
}

// forumPost is the body of POST /channels/{id}/threads in a forum or media channel: the post's
// title and its first message, which Discord takes without a nonce.
type forumPost struct {
	Name    string        `json:"name"`
	Message messageCreate `json:"message"`
}

// PostThread posts t as the channel's type allows: in a forum or media channel a post titled
// t.Title whose first message is the detail; in a text or announcement channel the headline, a
// thread started on it, and the detail in the thread. Each part carries its key (the detail
// key + bot.DetailKey) in its footer, and with t.Look is looked for before it is posted.
func (p *Poster) PostThread(ctx context.Context, channel, key string, t bot.Thread) (string, bool, error) {
	if err := p.ready(channel); err != nil {
		return "", false, err
	}
	kind, err := p.kindOf(ctx, channel)
	if err != nil {
		return "", false, err
	}
	var id string
	var mayDouble bool
	switch kind.typ {
	case discordgo.ChannelTypeGuildForum, discordgo.ChannelTypeGuildMedia:
		id, mayDouble, err = p.postForum(ctx, channel, kind.guild, key, t)
	case discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews:
		id, mayDouble, err = p.postOnHeadline(ctx, channel, key, t)
	default:
		return "", false, &bot.PostError{Permanent: true, Code: "no_threads",
			Err: fmt.Errorf("discord: thread: channel type %d has no threads", kind.typ)}
	}
	if err != nil {
		p.forget(channel) // the channel may have changed type since it was read
	}
	return id, mayDouble, err
}

// postOnHeadline posts t in a text or announcement channel: the headline, a thread started on
// it (whose id is the headline's), and the detail in the thread. With t.Look, a headline found
// in the channel is not posted again, and neither is a detail found in its thread.
func (p *Poster) postOnHeadline(ctx context.Context, channel, key string, t bot.Thread) (string, bool, error) {
	var head string
	found, mayDouble := false, false
	if t.Look {
		id, ok, err := p.FindPost(ctx, channel, key, t.LookFrom(p.bot.now(), threadLookBack))
		switch {
		case errors.Is(err, bot.ErrHistoryUnavailable):
			mayDouble = true
		case err != nil:
			return "", false, err
		}
		head, found = id, ok
	}
	if !found {
		var err error
		if head, err = p.Post(ctx, channel, key, t.Head); err != nil {
			return "", mayDouble, err
		}
	}
	// A headline posted just now has no thread yet; one found may have its thread, and the
	// detail in it. The detail follows the headline, so its look starts there.
	started := false
	if found {
		_, ok, err := p.FindPost(ctx, head, key+bot.DetailKey, createdAt(head))
		switch {
		case err == nil && ok:
			return head, mayDouble, nil
		case err == nil:
			started = true
		case notFound(err):
			// No thread on the headline yet: Discord knows no channel by its id.
		case errors.Is(err, bot.ErrHistoryUnavailable):
			mayDouble = true
		default:
			return "", mayDouble, err
		}
	}
	if !started {
		if err := p.startThread(ctx, channel, head, threadName(t)); err != nil {
			return "", mayDouble, err
		}
	}
	if _, err := p.Post(ctx, head, key+bot.DetailKey, t.Detail); err != nil {
		return "", mayDouble, err
	}
	return head, mayDouble, nil
}

// startThread starts a thread named name on message, a post in channel. The thread takes the
// message's id. A thread already there (an earlier attempt started it) is the one wanted.
func (p *Poster) startThread(ctx context.Context, channel, message, name string) error {
	_, err := p.bot.request(ctx, http.MethodPost, discordgo.EndpointChannelMessageThread(channel, message), threadStart{Name: name})
	if ae, ok := errors.AsType[*apiError](err); ok && ae.Code == discordgo.ErrCodeThreadAlreadyCreatedForThisMessage {
		return nil
	}
	if err != nil {
		return postError(err)
	}
	return nil
}

// postForum posts t in a forum or media channel as one post titled after t, whose first message
// is the detail with the headline's mention: the headline is not posted, the post's title and
// its place in the forum say what it would. With t.Look, a post of the bot's with the same
// title and the detail's key is not made again.
func (p *Poster) postForum(ctx context.Context, forum, guild, key string, t bot.Thread) (string, bool, error) {
	name, detailKey := threadName(t), key+bot.DetailKey
	mayDouble := false
	if t.Look {
		id, found, err := p.findForumPost(ctx, forum, guild, name, keyMark+detailKey)
		switch {
		case err == nil && found:
			return id, false, nil
		case errors.Is(err, bot.ErrHistoryUnavailable):
			mayDouble = true
		case err != nil:
			return "", false, err
		}
	}
	detail := t.Detail
	detail.Mention = cmp.Or(t.Head.Mention, t.Detail.Mention) // one message: the post pings once
	msg, err := message(detail, detailKey)
	if err != nil {
		return "", mayDouble, err
	}
	raw, err := p.bot.request(ctx, http.MethodPost, discordgo.EndpointChannelThreads(forum), forumPost{Name: name, Message: msg})
	if err != nil {
		return "", mayDouble, postError(err)
	}
	var post struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &post); err != nil || post.ID == "" {
		// Made, but the answer is unreadable: a retry with Look finds the post by its title.
		return "", mayDouble, &bot.PostError{Err: fmt.Errorf("discord: post in forum %s: unreadable answer", forum)}
	}
	return post.ID, mayDouble, nil
}

// A threadList is a page of threads, as Discord lists a guild's active ones and a channel's
// archived ones.
type threadList struct {
	Threads []struct {
		ID       string `json:"id"`
		ParentID string `json:"parent_id"`
		OwnerID  string `json:"owner_id"`
		Name     string `json:"name"`
		Metadata struct {
			ArchiveTimestamp string `json:"archive_timestamp"`
		} `json:"thread_metadata"`
	} `json:"threads"`
	HasMore bool `json:"has_more"`
}

// findForumPost looks for the bot's post named name in forum, among the guild's active threads
// and then the forum's archived ones, and confirms it by mark in its first message's footer.
func (p *Poster) findForumPost(ctx context.Context, forum, guild, name, mark string) (string, bool, error) {
	if snowflake(guild) {
		var active threadList
		if err := p.readThreads(ctx, discordgo.EndpointGuildActiveThreads(guild), &active); err != nil {
			return "", false, err
		}
		if id, found, err := p.ownPost(ctx, active, forum, name, mark); err != nil || found {
			return id, found, err
		}
	}
	before := ""
	for range archivedPages {
		endpoint := discordgo.EndpointChannelPublicArchivedThreads(forum) + "?limit=100"
		if before != "" {
			endpoint += "&before=" + url.QueryEscape(before)
		}
		var archived threadList
		if err := p.readThreads(ctx, endpoint, &archived); err != nil {
			return "", false, err
		}
		if id, found, err := p.ownPost(ctx, archived, forum, name, mark); err != nil || found {
			return id, found, err
		}
		if !archived.HasMore || len(archived.Threads) == 0 {
			break
		}
		before = archived.Threads[len(archived.Threads)-1].Metadata.ArchiveTimestamp
	}
	return "", false, nil
}

func (p *Poster) readThreads(ctx context.Context, endpoint string, into *threadList) error {
	raw, err := p.bot.request(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return historyError(err)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		return &bot.PostError{Err: fmt.Errorf("discord: list threads: unreadable answer")}
	}
	return nil
}

// ownPost picks from list the post in forum named name that the bot made for mark: its first
// message, whose id is the post's, is the bot's and carries mark. Someone else's post of the
// same name, or one whose first message is gone, is not it.
func (p *Poster) ownPost(ctx context.Context, list threadList, forum, name, mark string) (string, bool, error) {
	for _, th := range list.Threads {
		if th.ParentID != forum || th.Name != name || th.OwnerID != p.bot.cfg.ApplicationID || !snowflake(th.ID) {
			continue
		}
		raw, err := p.bot.request(ctx, http.MethodGet, discordgo.EndpointChannelMessage(th.ID, th.ID), nil)
		if notFound(err) {
			continue
		}
		if err != nil {
			return "", false, historyError(err)
		}
		var m postedMessage
		if json.Unmarshal(raw, &m) == nil && m.Author.ID == p.bot.cfg.ApplicationID && m.carries(mark) {
			return th.ID, true, nil
		}
	}
	return "", false, nil
}

// kindOf is channel's type and guild, as remembered for channelKindLife or read now.
func (p *Poster) kindOf(ctx context.Context, channel string) (channelKind, error) {
	now := p.bot.now()
	p.mu.Lock()
	k, ok := p.kinds[channel]
	p.mu.Unlock()
	if ok && now.Sub(k.read) < channelKindLife && !now.Before(k.read) {
		return k, nil
	}
	raw, err := p.bot.request(ctx, http.MethodGet, discordgo.EndpointChannel(channel), nil)
	if err != nil {
		return channelKind{}, postError(err)
	}
	var c struct {
		Type    discordgo.ChannelType `json:"type"`
		GuildID string                `json:"guild_id"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return channelKind{}, &bot.PostError{Err: fmt.Errorf("discord: read channel %s: unreadable answer", channel)}
	}
	k = channelKind{typ: c.Type, guild: c.GuildID, read: now}
	p.mu.Lock()
	p.kinds[channel] = k
	p.mu.Unlock()
	return k, nil
}

// forget drops what is remembered of channel.
func (p *Poster) forget(channel string) {
	p.mu.Lock()
	delete(p.kinds, channel)
	p.mu.Unlock()
}

// threadName is the name of t's thread: its title, within Discord's limit; never empty, which
// Discord refuses.
func threadName(t bot.Thread) string {
	name := cmp.Or(strings.TrimSpace(t.Title), strings.TrimSpace(t.Head.Title), "Digest")
	return clip(name, maxThreadName)
}

// notFound reports whether err is Discord's 404: no such channel or message.
func notFound(err error) bool {
	ae, ok := errors.AsType[*apiError](err)
	return ok && ae.Status == http.StatusNotFound
}

// createdAt is when the message or channel with snowflake id was made, by its first bits.
func createdAt(id string) time.Time {
	n, _ := strconv.ParseUint(id, 10, 64)
	return time.UnixMilli(int64(n>>22) + discordEpoch)
}

package discordtest

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Channel types as Discord numbers them, those the fake tells apart.
const (
	TextChannel         = 0
	AnnouncementChannel = 5
	ForumChannel        = 15
	MediaChannel        = 16
)

// Posts are the messages in channel and in its threads, in the order they were made; a
// message in a thread has the thread's id as Channel and channel as Parent.
func (f *Fake) Posts(channel string) []Message {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	var out []Message
	for _, m := range f.Messages {
		if m.Channel == channel || m.Parent == channel {
			out = append(out, m)
		}
	}
	return out
}

// ThreadsIn are the threads started in channel, in order.
func (f *Fake) ThreadsIn(channel string) []Thread {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	var out []Thread
	for _, t := range f.Threads {
		if t.Parent == channel {
			out = append(out, t)
		}
	}
	return out
}

// Archive archives thread id now, as Discord does after its inactivity: it leaves the guild's
// active threads for its channel's archived ones.
func (f *Fake) Archive(id string) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if t := f.thread(id); t != nil {
		t.Archived, t.ArchivedAt = true, time.Now()
	}
}

// CallsTo counts the calls made whose method and path are call, such as
// "POST /channels/645027906669510667/messages".
func (f *Fake) CallsTo(call string) int {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	n := 0
	for _, c := range f.Calls {
		if c == call {
			n++
		}
	}
	return n
}

func (f *Fake) thread(id string) *Thread {
	for i := range f.Threads {
		if f.Threads[i].ID == id {
			return &f.Threads[i]
		}
	}
	return nil
}

func (f *Fake) message(id string) *Message {
	for i := range f.Messages {
		if f.Messages[i].ID == id {
			return &f.Messages[i]
		}
	}
	return nil
}

// channelOfThread is the thread channel is, if it is one; false when channel is the id of a
// message that no thread was started on, which Discord knows as no channel at all.
func (f *Fake) channelOfThread(channel string) (*Thread, bool) {
	if t := f.thread(channel); t != nil {
		return t, true
	}
	return nil, f.message(channel) == nil
}

// forum reports whether channel takes posts rather than messages.
func (f *Fake) forum(channel string) bool {
	typ := f.ChannelTypes[channel]
	return typ == ForumChannel || typ == MediaChannel
}

// hidden reports whether the bot may not read channel's history, or its parent's for a thread.
func (f *Fake) hidden(channel string) bool {
	if t := f.thread(channel); t != nil {
		return f.Hidden[t.Parent]
	}
	return f.Hidden[channel]
}

func unknownChannel(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, map[string]any{"message": "Unknown Channel", "code": 10003})
}

func missingAccess(w http.ResponseWriter) {
	writeJSON(w, http.StatusForbidden, map[string]any{"message": "Missing Access", "code": 50001})
}

func invalidBody(w http.ResponseWriter) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035})
}

// threadJSON is t as Discord shows a thread channel.
func (f *Fake) threadJSON(t Thread) map[string]any {
	typ := 11 // a public thread; one in an announcement channel is an announcement thread
	if f.ChannelTypes[t.Parent] == AnnouncementChannel {
		typ = 10
	}
	count := 0
	for _, m := range f.Messages {
		if m.Channel == t.ID {
			count++
		}
	}
	meta := map[string]any{"archived": t.Archived, "auto_archive_duration": 1440, "locked": false,
		"archive_timestamp": time.Now().UTC().Format(time.RFC3339Nano)}
	if t.Archived {
		meta["archive_timestamp"] = t.ArchivedAt.UTC().Format(time.RFC3339Nano)
	}
	return map[string]any{"id": t.ID, "type": typ, "guild_id": GuildID, "parent_id": t.Parent, "owner_id": AppID,
		"name": t.Name, "flags": 0, "last_message_id": nil, "rate_limit_per_user": 0, "message_count": count,
		"member_count": 1, "total_message_sent": count, "thread_metadata": meta}
}

// getChannel answers GET /channels/{id}: a thread, or a channel of the type ChannelTypes says.
func (f *Fake) getChannel(w http.ResponseWriter, r *http.Request) {
	channel := r.PathValue("channel")
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if fl, ok := f.Fail[channel]; ok {
		writeJSON(w, fl.Status, map[string]any{"message": fl.Message, "code": fl.Code})
		return
	}
	t, ok := f.channelOfThread(channel)
	switch {
	case !ok:
		unknownChannel(w)
	case t != nil:
		writeJSON(w, http.StatusOK, f.threadJSON(*t))
	default:
		writeJSON(w, http.StatusOK, map[string]any{"id": channel, "type": f.ChannelTypes[channel], "guild_id": GuildID,
			"name": "briefings", "position": 0, "flags": 0, "parent_id": nil, "nsfw": false, "permission_overwrites": []any{}})
	}
}

// getMessage answers GET /channels/{id}/messages/{id}.
func (f *Fake) getMessage(w http.ResponseWriter, r *http.Request) {
	channel, id := r.PathValue("channel"), r.PathValue("message")
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if _, ok := f.channelOfThread(channel); !ok {
		unknownChannel(w)
		return
	}
	if f.hidden(channel) {
		missingAccess(w)
		return
	}
	m := f.message(id)
	if m == nil || m.Channel != channel {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Unknown Message", "code": 10008})
		return
	}
	writeJSON(w, http.StatusOK, messageJSON(*m))
}

// threadCreation refuses a thread's start as Discord would, before it reads the body: the
// channel's Failure, or a 429 while ThreadLimited has some. It reports whether it answered.
func (f *Fake) threadCreation(w http.ResponseWriter, channel string) bool {
	if fl, ok := f.Fail[channel]; ok {
		writeJSON(w, fl.Status, map[string]any{"message": fl.Message, "code": fl.Code})
		return true
	}
	if f.ThreadLimited[channel] > 0 {
		f.ThreadLimited[channel]--
		f.rateLimited(w)
		return true
	}
	return false
}

// validName reports whether a thread's name is as Discord takes it: 1 to 100 characters.
func validName(name string) bool {
	n := len([]rune(name))
	return n >= 1 && n <= 100
}

// startThread answers POST /channels/{id}/messages/{id}/threads: a thread on the message, with
// the message's id; 400 with code 160004 when the message has one already.
func (f *Fake) startThread(w http.ResponseWriter, r *http.Request) {
	channel, message := r.PathValue("channel"), r.PathValue("message")
	body, _ := io.ReadAll(r.Body)
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if f.threadCreation(w, channel) {
		return
	}
	var in struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(body, &in) != nil || !validName(in.Name) {
		invalidBody(w)
		return
	}
	if m := f.message(message); m == nil || m.Channel != channel {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Unknown Message", "code": 10008})
		return
	}
	if f.thread(message) != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "A thread has already been created for this message", "code": 160004})
		return
	}
	f.Threads = append(f.Threads, Thread{ID: message, Parent: channel, Name: in.Name})
	f.ThreadStarts = append(f.ThreadStarts, body)
	writeJSON(w, http.StatusCreated, f.threadJSON(f.Threads[len(f.Threads)-1]))
}

// startForumPost answers POST /channels/{id}/threads in a forum or media channel: a post whose
// first message, with the post's id, is the body's message.
func (f *Fake) startForumPost(w http.ResponseWriter, r *http.Request) {
	channel := r.PathValue("channel")
	body, _ := io.ReadAll(r.Body)
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if f.threadCreation(w, channel) {
		return
	}
	if !f.forum(channel) {
		// A thread without a message is not what the fake is for.
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Cannot execute action on this channel type", "code": 50024})
		return
	}
	var in struct {
		Name    string          `json:"name"`
		Message json.RawMessage `json:"message"`
	}
	if json.Unmarshal(body, &in) != nil || !validName(in.Name) || len(in.Message) == 0 {
		invalidBody(w)
		return
	}
	var msg struct {
		Content string `json:"content"`
		Embeds  []any  `json:"embeds"`
	}
	if json.Unmarshal(in.Message, &msg) != nil {
		invalidBody(w)
		return
	}
	if msg.Content == "" && len(msg.Embeds) == 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Cannot send an empty message", "code": 50006})
		return
	}
	id := f.id()
	f.Threads = append(f.Threads, Thread{ID: id, Parent: channel, Name: in.Name})
	f.ThreadStarts = append(f.ThreadStarts, body)
	m := Message{ID: id, Channel: id, Parent: channel, Body: in.Message}
	f.Messages = append(f.Messages, m)
	out := f.threadJSON(f.Threads[len(f.Threads)-1])
	out["message"] = messageJSON(m)
	writeJSON(w, http.StatusCreated, out)
}

// activeThreads answers GET /guilds/{id}/threads/active: every thread not archived, newest
// first, as Discord orders them.
func (f *Fake) activeThreads(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("guild") != GuildID {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Unknown Guild", "code": 10004})
		return
	}
	f.Mu.Lock()
	defer f.Mu.Unlock()
	threads := []map[string]any{}
	for i := len(f.Threads) - 1; i >= 0; i-- {
		if !f.Threads[i].Archived {
			threads = append(threads, f.threadJSON(f.Threads[i]))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"threads": threads, "members": []any{}, "has_more": false})
}

// archivedThreads answers GET /channels/{id}/threads/archived/public?before=&limit=: the
// channel's archived threads, the latest archived first, those archived before before.
func (f *Fake) archivedThreads(w http.ResponseWriter, r *http.Request) {
	channel := r.PathValue("channel")
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit < 2 || limit > 100 {
		limit = 50
	}
	var before time.Time
	if b := r.URL.Query().Get("before"); b != "" {
		if before, err = time.Parse(time.RFC3339Nano, b); err != nil {
			invalidBody(w)
			return
		}
	}
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if fl, ok := f.Fail[channel]; ok {
		writeJSON(w, fl.Status, map[string]any{"message": fl.Message, "code": fl.Code})
		return
	}
	if f.Hidden[channel] {
		missingAccess(w)
		return
	}
	var archived []Thread
	for _, t := range f.Threads {
		if t.Parent == channel && t.Archived && (before.IsZero() || t.ArchivedAt.Before(before)) {
			archived = append(archived, t)
		}
	}
	slices.SortStableFunc(archived, func(a, b Thread) int { return b.ArchivedAt.Compare(a.ArchivedAt) })
	threads := []map[string]any{}
	for _, t := range archived[:min(limit, len(archived))] {
		threads = append(threads, f.threadJSON(t))
	}
	writeJSON(w, http.StatusOK, map[string]any{"threads": threads, "members": []any{}, "has_more": len(archived) > limit})
}

package discordtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

func (f *Fake) createMessage(w http.ResponseWriter, r *http.Request) {
	channel := r.PathValue("channel")
	body, _ := io.ReadAll(r.Body)
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.Attempts++
	if fl, ok := f.Fail[channel]; ok {
		writeJSON(w, fl.Status, map[string]any{"message": fl.Message, "code": fl.Code})
		return
	}
	if f.Limited[channel] > 0 {
		f.Limited[channel]--
		f.rateLimited(w)
		return
	}
	if f.forum(channel) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Cannot send messages in a non-text channel", "code": 50008})
		return
	}
	thread, ok := f.channelOfThread(channel)
	if !ok {
		unknownChannel(w)
		return
	}
	var msg struct {
		Nonce        any  `json:"nonce"`
		EnforceNonce bool `json:"enforce_nonce"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035})
		return
	}
	nonce, _ := msg.Nonce.(string)
	if id, seen := f.byNonce[nonce]; seen && msg.EnforceNonce && !f.ForgetNonces {
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "channel_id": channel, "type": 0, "nonce": nonce})
		return
	}
	id := f.id()
	if nonce != "" {
		f.byNonce[nonce] = id
	}
	m := Message{ID: id, Channel: channel, Body: body}
	if thread != nil {
		m.Parent, thread.Archived = thread.Parent, false // a message wakes an archived thread
	}
	f.Messages = append(f.Messages, m)
	out := messageJSON(m)
	out["nonce"] = nonce
	writeJSON(w, http.StatusOK, out)
}

// messageJSON is m as Discord shows it, written by the bot.
func messageJSON(m Message) map[string]any {
	var body map[string]any
	json.Unmarshal(m.Body, &body)
	embeds, components := body["embeds"], body["components"]
	if embeds == nil {
		embeds = []any{}
	}
	if components == nil {
		components = []any{}
	}
	content, _ := body["content"].(string)
	return map[string]any{"id": m.ID, "channel_id": m.Channel, "type": 0, "content": content,
		"author":    map[string]any{"id": AppID, "username": "briefbot", "bot": true},
		"timestamp": "2025-04-07T09:00:00.000000+00:00", "embeds": embeds, "components": components}
}

func (f *Fake) callback(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.Mu.Lock()
	expired := f.Expired
	f.Mu.Unlock()
	if expired {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Unknown interaction", "code": 10062})
		f.Callbacks <- nil
		return
	}
	f.Callbacks <- body
	if r.Method == http.MethodPatch { // an edit answers with the message
		f.Mu.Lock()
		id := f.id()
		f.Mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "type": 19, "content": "", "flags": 64})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listMessages answers GET /channels/{id}/messages?after=&limit= as Discord does: the newest
// first, at most limit (default 50, at most 100), those with ids above after.
func (f *Fake) listMessages(w http.ResponseWriter, r *http.Request) {
	channel := r.PathValue("channel")
	after, _ := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit < 1 || limit > 100 {
		limit = 50
	}
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if fl, ok := f.Fail[channel]; ok {
		writeJSON(w, fl.Status, map[string]any{"message": fl.Message, "code": fl.Code})
		return
	}
	if _, ok := f.channelOfThread(channel); !ok {
		unknownChannel(w)
		return
	}
	if f.hidden(channel) {
		missingAccess(w)
		return
	}
	out := []map[string]any{}
	for i := len(f.Messages) - 1; i >= 0 && len(out) < limit; i-- {
		m := f.Messages[i]
		id, _ := strconv.ParseUint(m.ID, 10, 64)
		if m.Channel != channel || id <= after {
			continue
		}
		out = append(out, messageJSON(m))
	}
	writeJSON(w, http.StatusOK, out)
}

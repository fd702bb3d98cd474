package slack

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"briefbot/bot"
)

func (b *Bot) serveInteraction(w http.ResponseWriter, r *http.Request, signed signedForm) {
	payload := signed.Get("payload")
	if payload == "" {
		http.Error(w, "no payload", http.StatusBadRequest)
		return
	}
	in, err := parseInteraction([]byte(payload))
	if err != nil {
		http.Error(w, "cannot parse payload", http.StatusBadRequest)
		return
	}
	if b.replayed(w, r, in.TriggerID, signed.signature) {
		return
	}
	// Slack wants only an empty 200 here; the answer goes to response_url.
	w.WriteHeader(http.StatusOK)
	b.interact(in)
}

// interaction is the part of an interactive payload briefbot reads. Our own type, not
// slackapi.InteractionCallback, so that HTTP and Socket Mode parse the same bytes the same way.
type interaction struct {
	Type string `json:"type"`
	User struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Name     string `json:"name"`
	} `json:"user"`
	// Container is the message the button is under: by it a Share button shares once.
	Container struct {
		ChannelID string `json:"channel_id"`
		MessageTS string `json:"message_ts"`
	} `json:"container"`
	ResponseURL string `json:"response_url"`
	TriggerID   string `json:"trigger_id"`
	// A message shortcut names itself by its callback_id, and carries the message it was run on.
	// Read only for a shortcut (messageText): a button's payload carries a message too, in
	// shapes a button never needs read.
	CallbackID string          `json:"callback_id"`
	Message    json.RawMessage `json:"message"`
	Actions    []struct {
		ActionID string `json:"action_id"`
		Value    string `json:"value"`
	} `json:"actions"`
}

func parseInteraction(payload []byte) (interaction, error) {
	var in interaction
	if err := json.Unmarshal(payload, &in); err != nil {
		return interaction{}, fmt.Errorf("decode interaction: %w", err)
	}
	if in.Type == "" {
		return interaction{}, errors.New("decode interaction: no type")
	}
	return in, nil
}

// interact answers a button press: the button's value is a command line, answered as if typed
// and posted to response_url; its action_id says where: a new message, the page in place of the
// one shown, or the answer shared to the channel.
func (b *Bot) interact(in interaction) {
	if in.Type == "message_action" {
		b.findIn(in)
		return
	}
	if in.Type != "block_actions" {
		return
	}
	caller := bot.Caller{Platform: platform, User: in.User.ID}
	for _, a := range in.Actions {
		if !strings.HasPrefix(a.ActionID, actionPrefix) || strings.TrimSpace(a.Value) == "" {
			continue
		}
		kind, line, responseURL := pressedKind(a.ActionID), a.Value, in.ResponseURL
		b.background(func(ctx context.Context) {
			req, _ := b.core.Engine().Parse(line)
			req.Caller, req.Room = caller, PageRoom()
			var err error
			switch {
			case kind == bot.TurnPage:
				err = b.turnPage(ctx, req, responseURL)
			case kind == bot.ShareAnswer:
				err = b.share(ctx, req, in, responseURL)
			case responseURL == "":
				// A press in the Home tab comes with no response_url: the answer goes to the
				// presser's messages with the app, which only they see.
				_, err = b.poster.Post(ctx, caller.User, "", b.core.Handle(ctx, req))
			default:
				err = b.respond(ctx, responseURL, render(b.core.Handle(ctx, req)))
			}
			if err != nil {
				b.log.Warn("slack: button answer not delivered", "err", err)
			}
		})
	}
}

// findCallback is the callback_id of the message shortcut "Find in briefing" (Manifest).
const findCallback = "briefbot_find"

// findIn answers "Find in briefing" on a message: the engine's find for the message's text, to
// the shortcut's response_url, which only the one who ran it sees.
func (b *Bot) findIn(in interaction) {
	if in.CallbackID != findCallback {
		return
	}
	caller := bot.Caller{Platform: platform, User: in.User.ID}
	text, responseURL := Unescape(in.messageText()), in.ResponseURL
	b.background(func(ctx context.Context) {
		req := b.core.Engine().FindRequest(text)
		req.Caller, req.Room = caller, PageRoom()
		reply := b.core.Handle(ctx, req)
		reply.Private = true
		if err := b.respond(ctx, responseURL, render(reply)); err != nil {
			b.log.Warn("slack: shortcut answer not delivered", "err", err)
		}
	})
}

// messageText is the text of the message a shortcut was run on; "" for one without text.
func (in interaction) messageText() string {
	var m struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(in.Message, &m)
	return m.Text
}

// turnPage answers a page button with the page in place of the one shown. A page that is not
// there (a forged value, a briefing reloaded shorter) is refused in a private message of its
// own, and the page shown stays.
func (b *Bot) turnPage(ctx context.Context, req bot.Request, responseURL string) error {
	if !req.Turns() {
		return b.respond(ctx, responseURL, render(bot.Unreadable()))
	}
	reply := b.core.Handle(ctx, req)
	if reply.Status != bot.Answered {
		reply.Private = true
		return b.respond(ctx, responseURL, render(reply))
	}
	return b.post(ctx, responseURL, render(reply), true)
}

// share answers a Share button: the answer, made again, goes to the channel for everyone,
// naming who shared it, and the private one is replaced by itself without the button. Once per
// private message, as far as this replica remembers (recentSpan): a second press, before the
// button is gone, gets "Already shared". An answer that is no longer there to share (an error
// now) stays private, as errors do.
func (b *Bot) share(ctx context.Context, req bot.Request, in interaction, responseURL string) error {
	if !req.Shareable() {
		return b.respond(ctx, responseURL, render(bot.NotShareable()))
	}
	key := "share:" + in.Container.ChannelID + ":" + in.Container.MessageTS
	if in.Container.MessageTS == "" {
		key = "share:" + req.Caller.User + ":" + req.Line()
	}
	if !b.recent.First(key, b.now()) {
		return b.respond(ctx, responseURL, render(bot.AlreadyShared()))
	}
	reply := b.core.Handle(ctx, req)
	if reply.Status != bot.Answered {
		reply.Private = true
		return b.respond(ctx, responseURL, render(reply))
	}
	name := cmp.Or(in.User.Username, in.User.Name)
	if err := b.respond(ctx, responseURL, render(bot.Shared(reply, bot.Sharer{User: in.User.ID, Name: name}))); err != nil {
		return err
	}
	reply.Share = ""
	return b.post(ctx, responseURL, render(reply), true)
}

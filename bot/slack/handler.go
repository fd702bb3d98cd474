package slack

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"briefbot/bot"
)

const (
	// maxBodyBytes is far above any slash command or button payload Slack sends.
	maxBodyBytes = 64 << 10
	// signatureWindow is Slack's replay window: a request signed longer ago, or further ahead,
	// is refused even when the signature is right.
	signatureWindow = 5 * time.Minute
)

// workingText is the first answer to a command that takes longer than Slack waits.
const workingText = "Working on it…"

// Commands serves POST /slack/commands, Slack's slash-command request URL.
func (b *Bot) Commands() http.Handler { return b.verified(b.serveCommand) }

// Interactivity serves POST /slack/interactivity, where Slack sends button presses.
func (b *Bot) Interactivity() http.Handler { return b.verified(b.serveInteraction) }

// signedForm is a verified request's form and the signature that names it among replays.
type signedForm struct {
	form
	// signature is the request's timestamp and signature in canonical form (lower-case hex):
	// hex in either case decodes to the same bytes and verifies alike, so the header as sent
	// would let a replay in upper case pass as a new request.
	signature string
}

// verified reads the raw body, checks Slack's signature over it and only then parses the form.
func (b *Bot) verified(next func(http.ResponseWriter, *http.Request, signedForm)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost:
		case r.Method == http.MethodGet && r.URL.Query().Get("ssl_check") == "1":
			// Slack checks the certificate of a new request URL this way; there is nothing to verify.
			w.WriteHeader(http.StatusOK)
			return
		default:
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, signature, ok := b.readSigned(w, r, maxBodyBytes)
		if !ok {
			return
		}
		form, err := parseForm(body)
		if err != nil {
			http.Error(w, "cannot parse form", http.StatusBadRequest)
			return
		}
		next(w, r, signedForm{form: form, signature: signature})
	})
}

// readSigned reads r's body, at most limit bytes, and checks Slack's signature over it before
// anything parses it; false when it has answered the request itself.
func (b *Bot) readSigned(w http.ResponseWriter, r *http.Request, limit int64) (body []byte, signature string, ok bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return nil, "", false
		}
		http.Error(w, "cannot read request body", http.StatusBadRequest)
		return nil, "", false
	}
	signature, err = b.verify(r.Header, body)
	if err != nil {
		// The server's request log has the 401 already; the reason is for debugging a signing
		// secret or a clock, and a flood of forgeries must not flood the log.
		b.log.Debug("slack: refused unverified request", "path", r.URL.Path, "reason", err)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, "", false
	}
	return body, signature, true
}

// firstTime reports whether a verified request arrives for the first time, and remembers it:
// a replay inside the signature window runs nothing. It is known by its trigger_id, else by its
// canonical timestamp and signature, which only Slack can make. Called after verify, so that
// only signed requests take a place in the recent set.
func (b *Bot) firstTime(triggerID, signature string) bool {
	key := "trigger:" + triggerID
	if triggerID == "" {
		key = "signed:" + signature
	}
	return b.recent.First(key, b.now())
}

// verify checks Slack's request signature: HMAC-SHA256 over "v0:" + timestamp + ":" + body with
// the signing secret, within the replay window of the injected clock, and returns the timestamp
// and signature in canonical form (the signature's bytes in lower-case hex), by which a replay
// is known however its hex is written. The timestamp needs no such care: it is signed as sent.
// The reasons it returns are for logs; they never contain the secret or the signature.
func (b *Bot) verify(h http.Header, body []byte) (string, error) {
	if len(b.secret) == 0 {
		return "", errors.New("no signing secret configured")
	}
	stamp, sig := h.Get("X-Slack-Request-Timestamp"), h.Get("X-Slack-Signature")
	if stamp == "" || sig == "" {
		return "", errors.New("missing signature headers")
	}
	secs, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return "", errors.New("timestamp is not a number")
	}
	if age := b.now().Sub(time.Unix(secs, 0)); age > signatureWindow || age < -signatureWindow {
		return "", errors.New("timestamp outside the 5-minute window")
	}
	digits, ok := strings.CutPrefix(sig, "v0=")
	if !ok {
		return "", errors.New("unknown signature version")
	}
	got, err := hex.DecodeString(digits)
	if err != nil || len(got) != sha256.Size {
		return "", errors.New("malformed signature")
	}
	mac := hmac.New(sha256.New, b.secret)
	mac.Write([]byte("v0:" + stamp + ":"))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return "", errors.New("signature mismatch")
	}
	return stamp + ":" + hex.EncodeToString(got), nil
}

// replayed refuses, as if unsigned, a request answered already, and says whether it did.
func (b *Bot) replayed(w http.ResponseWriter, r *http.Request, triggerID, signature string) bool {
	if b.firstTime(triggerID, signature) {
		return false
	}
	b.log.Debug("slack: refused a request answered already", "path", r.URL.Path)
	http.Error(w, "invalid signature", http.StatusUnauthorized)
	return true
}

func (b *Bot) serveCommand(w http.ResponseWriter, r *http.Request, signed signedForm) {
	sc := slashCommand(signed.form)
	if sc.Command == "" {
		http.Error(w, "not a slash command", http.StatusBadRequest)
		return
	}
	if b.replayed(w, r, sc.TriggerID, signed.signature) {
		return
	}
	body, err := encode(b.command(sc))
	if err != nil {
		b.log.Error("slack: encode answer", "command", sc.Command, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(body)
}

// slashCommand reads the form Slack posts; Socket Mode delivers the same fields as JSON.
func slashCommand(form form) slackapi.SlashCommand {
	return slackapi.SlashCommand{
		TeamID:      form.Get("team_id"),
		ChannelID:   form.Get("channel_id"),
		UserID:      form.Get("user_id"),
		Command:     form.Get("command"),
		Text:        form.Get("text"),
		ResponseURL: form.Get("response_url"),
		TriggerID:   form.Get("trigger_id"),
		APIAppID:    form.Get("api_app_id"),
	}
}

// command answers a slash command, from HTTP or Socket Mode alike: it reads the command, then
// answers it in the request or, when it is slow, perhaps later.
func (b *Bot) command(sc slackapi.SlashCommand) Message {
	req := b.request(sc)
	if req.Command.Slow {
		return b.slowCommand(req, sc.ResponseURL)
	}
	return b.answerCommand(req)
}

// answerCommand answers a quick command: from the answers kept when this engine answered the
// same request before, else from the engine, then rendered and kept. A kept answer still goes
// through the chain, so that it is logged and counted.
func (b *Bot) answerCommand(req bot.Request) Message {
	if kept, m, ok := b.answers.Get(req); ok {
		b.answer(b.ctx, kept)
		return m
	}
	reply := b.answer(b.ctx, req)
	m := render(reply)
	b.answers.Put(req, reply, m, nil)
	return m
}

// slowCommand answers a slow command in the request when the engine finishes it within the
// deadline; otherwise Slack gets "Working on it…" now and the answer goes to responseURL later.
func (b *Bot) slowCommand(req bot.Request, responseURL string) Message {
	ctx, cancel := context.WithTimeout(b.ctx, lateAnswerTimeout)
	done := make(chan bot.Reply, 1)
	// Tracked like any background work, so that Close waits for a command it let in.
	if !b.background(func(context.Context) { defer cancel(); done <- b.answer(ctx, req) }) {
		cancel()
		return render(bot.Failed())
	}
	timer := time.NewTimer(b.deadline)
	defer timer.Stop()
	select {
	case r := <-done:
		return render(r)
	case <-timer.C:
	}
	b.background(func(ctx context.Context) {
		select {
		case r := <-done:
			if err := b.respond(ctx, responseURL, render(r)); err != nil {
				b.log.Warn("slack: late answer not delivered", "command", req.Label(), "err", err)
			}
		case <-ctx.Done():
		}
	})
	return Message{ResponseType: slackapi.ResponseTypeEphemeral, Text: workingText}
}

// request turns a slash command into an engine request, read by the engine in force. A command
// that cannot be read becomes a request that answers with what is wrong.
func (b *Bot) request(sc slackapi.SlashCommand) bot.Request {
	req, _ := b.core.Engine().ParseOn(platform, sc.Command, Unescape(sc.Text))
	req.Caller, req.Room = bot.Caller{Platform: platform, User: sc.UserID}, PageRoom()
	return req
}

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

// respond posts a message to a response_url, as a new message.
func (b *Bot) respond(ctx context.Context, responseURL string, m Message) error {
	return b.post(ctx, responseURL, m, false)
}

// post posts a message to a response_url: in place of the message whose button was pressed
// (replace), or as a new one. The URL itself is a credential for the conversation, so it is
// never logged.
func (b *Bot) post(ctx context.Context, responseURL string, m Message, replace bool) error {
	u, err := url.Parse(responseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("no usable response_url")
	}
	m.ReplaceOriginal = &replace
	body, err := encode(m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, webTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
	if err != nil {
		return errors.New("no usable response_url")
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := b.web.Do(req)
	if err != nil {
		// url.Error repeats the URL; keep only what went wrong.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return fmt.Errorf("post to response_url: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("post to response_url: %s", resp.Status)
	}
	return nil
}

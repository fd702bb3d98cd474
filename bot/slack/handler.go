package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
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

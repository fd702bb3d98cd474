package discord

import (
	"bytes"
	"cmp"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
)

const (
	// maxBody bounds an interaction request. Real ones are a few KiB; a client that signs a
	// larger body is not Discord.
	maxBody = 64 << 10
	// answerDeadline is Discord's: the first response must come within 3 seconds.
	answerDeadline = 3 * time.Second
	// maxAutocomplete, maxChoiceName and maxChoiceValue are Discord's limits on suggestions.
	maxAutocomplete = 25
	maxChoiceName   = 100
	maxChoiceValue  = 100
)

// Handler serves Discord's Interactions Endpoint URL (POST /discord/interactions). Each request
// is verified with the application's Ed25519 key before anything in it is read: Discord sends
// invalid signatures on purpose and drops an endpoint that accepts one. Without a public key
// the endpoint is off and answers 404.
//
// Every request takes one path: verify the signature, timestamp and body; decode the
// interaction (its head first: a command answered before needs no more); refuse a replay;
// answer (respond: a command from the answers kept, else from the engine, then kept); write.
func (b *Bot) Handler() http.Handler {
	return http.HandlerFunc(b.serveInteraction)
}

func (b *Bot) serveInteraction(w http.ResponseWriter, r *http.Request) {
	if b.key == nil {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	signed, ok := b.verify(w, r)
	if !ok {
		return
	}
	defer recycle(signed.msg)
	in, err := readInteraction(signed.body())
	if err != nil {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	// Only now, with the signature checked, may the request take a place in the recent set:
	// an unsigned one could otherwise fill it with ids Discord has yet to send.
	if !b.firstTime(in.Type, in.ID, signed.timestamp, signed.sig) {
		b.refuseAnswered(w)
		return
	}
	out, later, err := b.respond(r.Context(), &in)
	if err != nil {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	writeJSON(w, out)
	if later != nil {
		deferred, req := in.full, *later
		b.background(func() { b.followUp(deferred, req) })
	}
}

// A signedBody is a request's body whose signature verified, with the timestamp and signature
// that name it among replays.
type signedBody struct {
	msg       *bytes.Buffer // the signed message, timestamp + body, read into a buffer to recycle
	timestamp string
	sig       []byte
}

func (s signedBody) body() []byte { return s.msg.Bytes()[len(s.timestamp):] }

// verify reads r's body and checks its Ed25519 signature over the timestamp and the body, and
// that the timestamp is fresh, before anything in the body is read. A request that fails is
// answered here (401, or 413 or 400 for a body that cannot be read) and verify returns false.
func (b *Bot) verify(w http.ResponseWriter, r *http.Request) (signedBody, bool) {
	sig, err := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
	timestamp := r.Header.Get("X-Signature-Timestamp")
	if err != nil || len(sig) != ed25519.SignatureSize || timestamp == "" {
		b.logger.Debug("interaction refused: missing or malformed signature")
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return signedBody{}, false
	}
	if !b.fresh(timestamp) {
		b.logger.Debug("interaction refused: timestamp outside the replay window")
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return signedBody{}, false
	}
	// The signed message is timestamp + raw body; reading straight after the timestamp saves
	// a copy of the body.
	msg := readBuffer(len(timestamp), r.ContentLength)
	msg.WriteString(timestamp)
	if _, err := msg.ReadFrom(http.MaxBytesReader(w, r.Body, maxBody)); err != nil {
		recycle(msg)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return signedBody{}, false
		}
		http.Error(w, "cannot read request body", http.StatusBadRequest)
		return signedBody{}, false
	}
	if !ed25519.Verify(b.key, msg.Bytes(), sig) {
		recycle(msg)
		b.logger.Debug("interaction refused: bad signature")
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return signedBody{}, false
	}
	return signedBody{msg: msg, timestamp: timestamp, sig: sig}, true
}

// onInteractionCreate answers an interaction from the gateway. The answer goes over REST, as
// Discord requires for gateway-delivered interactions.
func (b *Bot) onInteractionCreate(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	if ic == nil || ic.Interaction == nil {
		return
	}
	if ic.Type == discordgo.InteractionPing {
		return // pings come only over HTTP
	}
	// A resumed session may deliver an interaction again; the first delivery answered it.
	if !b.firstTime(ic.Type, ic.ID, "", nil) {
		return
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.inflight.Add(1)
	b.mu.Unlock()
	defer b.inflight.Done()

	ctx, cancel := context.WithTimeout(context.Background(), answerDeadline)
	defer cancel()
	resp, later, _ := b.respond(ctx, &incoming{head: head{Type: ic.Type, ID: ic.ID}, full: ic.Interaction})
	if err := b.answer(ctx, ic.Interaction, resp); err != nil {
		b.logger.Error("answer interaction", "kind", ic.Type.String(), "err", err)
		return
	}
	if later != nil {
		b.followUp(ic.Interaction, *later)
	}
}

// background runs fn unless the Bot is closed; Close waits for it.
func (b *Bot) background(fn func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.inflight.Add(1)
	go func() {
		defer b.inflight.Done()
		fn()
	}()
}

// followUpTimeout bounds a deferred answer; Discord keeps the interaction's token for 15 minutes.
const followUpTimeout = 2 * time.Minute

// followUp answers a deferred command: it runs the request and edits the deferred message into
// the answer.
func (b *Bot) followUp(in *discordgo.Interaction, req bot.Request) {
	ctx, cancel := context.WithTimeout(context.Background(), followUpTimeout)
	defer cancel()
	reply := b.core.Handle(ctx, req)
	msg := Response(reply).Data
	body := &discordgo.WebhookEdit{Embeds: &msg.Embeds, Components: &msg.Components, AllowedMentions: msg.AllowedMentions}
	if err := b.callback(ctx, http.MethodPatch, "PATCH webhooks/messages", in, body); err != nil {
		b.logger.Error("deferred answer not delivered", "command", req.Label(), "err", err)
	}
}

// answer posts an interaction response over REST. It is what Session.InteractionRespond does,
// minus discordgo's rate limiter: that keys a bucket by URL and never drops one, and every
// interaction has its own URL, so a long-running bot would grow a bucket per interaction.
// Interaction responses are exempt from the global rate limit, and each token answers once.
func (b *Bot) answer(ctx context.Context, in *discordgo.Interaction, resp any) error {
	return b.callback(ctx, http.MethodPost, "POST interactions/callback", in, resp)
}

// callback sends an interaction's answer (POST) or edits it later (PATCH) with the
// interaction's own token, which is also why op names the route and the URL is never logged.
func (b *Bot) callback(ctx context.Context, method, op string, in *discordgo.Interaction, payload any) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("%s: encode: %w", op, err)
	}
	// Both go into the URL's path: refuse what could leave it.
	if !snowflake(in.ID) || in.Token == "" || strings.ContainsAny(in.Token, "/?#%\\ ") {
		return &apiError{Op: op, Err: errors.New("interaction id or token malformed")}
	}
	endpoint := discordgo.EndpointInteractionResponse(in.ID, in.Token)
	if method == http.MethodPatch {
		appID := cmp.Or(in.AppID, b.cfg.ApplicationID)
		if !snowflake(appID) {
			return &apiError{Op: op, Err: errors.New("application id malformed")}
		}
		endpoint = discordgo.EndpointWebhookMessage(appID, in.Token, "@original")
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, bytes.NewReader(body))
	if err != nil {
		return &apiError{Op: op, Err: errors.New("interaction id or token malformed")}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", b.session.UserAgent)
	res, err := b.session.Client.Do(req)
	if err != nil {
		return newAPIError(op, "", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if res.StatusCode < 300 {
		return nil
	}
	e := &apiError{Op: op, Status: res.StatusCode}
	var msg discordgo.APIErrorMessage
	if json.Unmarshal(raw, &msg) == nil {
		e.Code, e.Message = msg.Code, msg.Message
	}
	return e
}

// respond is the one answer to an interaction, whichever way it came, encoded. A slow command is
// acknowledged at once with a deferred response, and later is the request to answer in the
// follow-up. The error is for a body that, decoded in full, proves not to be an interaction.
func (b *Bot) respond(ctx context.Context, in *incoming) (out json.RawMessage, later *bot.Request, err error) {
	e := b.core.Engine() // once: reading and answering see the same engine
	if in.Type == discordgo.InteractionApplicationCommand {
		return b.answerCommand(ctx, e, in)
	}
	full, err := in.decode()
	if err != nil {
		return nil, nil, err
	}
	resp, later := b.respondOther(ctx, e, full)
	return encodeResponse(resp), later, nil
}

// respondOther answers an interaction other than a command: a ping, an autocomplete or a button.
func (b *Bot) respondOther(ctx context.Context, e *bot.Engine, in *discordgo.Interaction) (resp *discordgo.InteractionResponse, later *bot.Request) {
	switch in.Type {
	case discordgo.InteractionPing:
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}, nil
	case discordgo.InteractionApplicationCommandAutocomplete:
		data, ok := commandData(in)
		if !ok {
			return autocompleteResponse(nil), nil
		}
		return autocompleteResponse(b.complete(e, data)), nil
	case discordgo.InteractionMessageComponent:
		data, ok := componentData(in)
		if !ok || strings.TrimSpace(data.CustomID) == "" {
			return Response(bot.Unreadable()), nil
		}
		// A button's custom_id is the command line it stands for, pressed with the presser's
		// rights; its prefix says where the answer goes.
		kind, line := Pressed(data.CustomID)
		req, _ := e.Parse(line)
		req.Caller, req.Room = caller(in), PageRoom()
		if req.Command.Slow && kind == bot.Ask {
			return deferredResponse(), &req
		}
		ctx, cancel := context.WithTimeout(ctx, answerDeadline)
		defer cancel()
		switch kind {
		case bot.TurnPage:
			return b.turnPage(ctx, req), nil
		case bot.ShareAnswer:
			return b.share(ctx, in, req), nil
		}
		return Response(b.core.Handle(ctx, req)), nil
	}
	return Response(bot.NotSupported()), nil
}

// turnPage answers a page button with the page in place of the one shown. A page that is not
// there (a forged line, a briefing reloaded shorter) is refused in a private message of its
// own, and the page shown stays.
func (b *Bot) turnPage(ctx context.Context, req bot.Request) *discordgo.InteractionResponse {
	if !req.Turns() {
		return Response(bot.Unreadable())
	}
	reply := b.core.Handle(ctx, req)
	if reply.Status != bot.Answered {
		reply.Private = true
		return Response(reply)
	}
	return Update(reply)
}

// share answers a Share button with the answer, made again, as a new message for everyone in
// the channel, naming who shared it; once per private message, as far as this replica
// remembers (sharedSpan). An answer that is no longer there to share (an error now) stays
// private, as errors do. The private message keeps its button: Discord lets an interaction
// edit only its own messages, and this one is another's.
func (b *Bot) share(ctx context.Context, in *discordgo.Interaction, req bot.Request) *discordgo.InteractionResponse {
	if !req.Shareable() {
		return Response(bot.NotShareable())
	}
	key := "share:" + req.Line() + ":" + req.Caller.User
	if in.Message != nil && in.Message.ID != "" {
		key = "share:" + in.Message.ID
	}
	if !b.shared.First(key, b.now()) {
		return Response(bot.AlreadyShared())
	}
	reply := b.core.Handle(ctx, req)
	if reply.Status != bot.Answered {
		reply.Private = true
		return Response(reply)
	}
	return Response(bot.Shared(reply, bot.Sharer{User: req.Caller.User}))
}

// commandRequest reads an application command into a request of e: the command by its name
// on Discord, its options as named, and who sent it.
func commandRequest(e *bot.Engine, in *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) bot.Request {
	options := make(map[string]string, len(data.Options))
	for _, o := range data.Options {
		if v, ok := optionValue(o); ok {
			options[o.Name] = v
		}
	}
	req, _ := e.RequestOn(platform, data.Name, options)
	req.Caller, req.Room = caller(in), PageRoom()
	return req
}

// deferredResponse acknowledges a slow command; the answer follows as an edit. Slow commands
// answer privately, and a deferred message's privacy cannot change later.
func deferredResponse() *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}
}

// commandData and componentData read an interaction's data without discordgo's accessors, which
// panic on the wrong interaction type.
func commandData(in *discordgo.Interaction) (discordgo.ApplicationCommandInteractionData, bool) {
	return dataAs[discordgo.ApplicationCommandInteractionData](in)
}

func componentData(in *discordgo.Interaction) (discordgo.MessageComponentInteractionData, bool) {
	return dataAs[discordgo.MessageComponentInteractionData](in)
}

// dataAs is in's data as a D, whether discordgo holds it as a value or a pointer.
func dataAs[D any](in *discordgo.Interaction) (D, bool) {
	switch d := any(in.Data).(type) {
	case D:
		return d, true
	case *D:
		if d != nil {
			return *d, true
		}
	}
	var none D
	return none, false
}

// optionValue is what the user typed for an option. Ours are all strings; other kinds are read
// as text rather than refused.
func optionValue(o *discordgo.ApplicationCommandInteractionDataOption) (string, bool) {
	if o == nil || o.Name == "" {
		return "", false
	}
	switch v := o.Value.(type) {
	case string:
		return v, true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// complete suggests values for the focused option. The other options typed so far go along:
// a chosen briefing decides which issues to suggest.
func (b *Bot) complete(e *bot.Engine, data discordgo.ApplicationCommandInteractionData) []bot.Choice {
	cmd, _ := e.CommandOn(platform, data.Name)
	req := bot.Request{Command: cmd, Options: map[string]string{}, Caller: bot.Caller{Platform: platform}}
	focused, typed, found := "", "", false
	for _, o := range data.Options {
		v, ok := optionValue(o)
		if !ok {
			continue
		}
		if o.Focused && !found {
			focused, typed, found = o.Name, v, true
			continue
		}
		req.Options[o.Name] = v
	}
	if !found {
		return nil
	}
	return b.core.Complete(e, req, focused, typed, maxAutocomplete)
}

// autocompleteResponse answers with at most 25 suggestions within Discord's 1 to 100 characters.
// A value too long is left out, not cut: a cut value would name something else. No suggestion
// at all is sent as no list, which Discord shows as "no options match".
func autocompleteResponse(choices []bot.Choice) *discordgo.InteractionResponse {
	data := &discordgo.InteractionResponseData{}
	for _, c := range choices {
		if len(data.Choices) == maxAutocomplete {
			break
		}
		value := c.Value
		if n := length(value); n < 1 || n > maxChoiceValue {
			continue
		}
		name := clip(strings.TrimSpace(c.Name), maxChoiceName)
		if name == "" {
			name = value
		}
		data.Choices = append(data.Choices, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: value})
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: data}
}

// caller is who sent an interaction: the member in a server that installed briefbot (with
// roles and whether Discord lets them manage the server), or else the user alone, outside any
// such server. The engine decides who is an admin.
func caller(in *discordgo.Interaction) bot.Caller {
	c := bot.Caller{Platform: platform}
	m := in.Member
	switch {
	case m != nil && m.User != nil:
		c.User = m.User.ID
	case in.User != nil:
		c.User = in.User.ID
	}
	if m == nil || !fromInstallingServer(in) {
		c.OutsideServer = true
		return c
	}
	c.Roles = m.Roles
	c.Manager = m.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0
	return c
}

// fromInstallingServer reports whether in came from a server that installed briefbot. A member
// who installed it for themselves may run its commands in any server they are in, and Discord
// then sends their roles and permissions in that server, which grant nothing here. Only the
// server's own installation makes them count, and Discord names it under
// authorizing_integration_owners; without that word, the interaction counts as from outside.
func fromInstallingServer(in *discordgo.Interaction) bool {
	if in.GuildID == "" || in.Context != discordgo.InteractionContextGuild {
		return false
	}
	return in.AuthorizingIntegrationOwners[discordgo.ApplicationIntegrationGuildInstall] == in.GuildID
}

// refuseAnswered answers a request for an interaction already answered as Discord's own check
// would a bad signature: a replay learns nothing from the answer.
func (b *Bot) refuseAnswered(w http.ResponseWriter) {
	b.logger.Debug("interaction refused: already answered")
	http.Error(w, "invalid request signature", http.StatusUnauthorized)
}

func writeJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

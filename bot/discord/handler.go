package discord

import (
	"bytes"
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
	sig, err := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
	timestamp := r.Header.Get("X-Signature-Timestamp")
	if err != nil || len(sig) != ed25519.SignatureSize || timestamp == "" {
		b.logger.Debug("interaction refused: missing or malformed signature")
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	// The signed message is timestamp + raw body; reading straight after the timestamp saves
	// a copy of the body.
	msg := bytes.NewBuffer(make([]byte, 0, len(timestamp)+1024))
	msg.WriteString(timestamp)
	if _, err := msg.ReadFrom(http.MaxBytesReader(w, r.Body, maxBody)); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read request body", http.StatusBadRequest)
		return
	}
	if !ed25519.Verify(b.key, msg.Bytes(), sig) {
		b.logger.Debug("interaction refused: bad signature")
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	in, err := decodeInteraction(msg.Bytes()[len(timestamp):])
	if err != nil || !knownType(in.Type) {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), answerDeadline)
	defer cancel()
	out, err := json.Marshal(b.respond(ctx, in))
	if err != nil {
		b.logger.Error("encode interaction response", "err", err)
		http.Error(w, "cannot encode response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.Write(out)
}

// wireInteraction is what the HTTP endpoint reads of an interaction: its type, the member's
// roles and permissions, and its data. Decoding into discordgo.Interaction instead fills dozens
// of fields briefbot never reads and parses data twice, a fifth of every request; the gateway
// still hands over discordgo's own, and both reach respond as the same type.
type wireInteraction struct {
	Type   discordgo.InteractionType `json:"type"`
	Member *struct {
		Roles       []string `json:"roles"`
		Permissions int64    `json:"permissions,string"`
	} `json:"member"`
	Data json.RawMessage `json:"data"`
}

func decodeInteraction(body []byte) (*discordgo.Interaction, error) {
	var wire wireInteraction
	if err := json.Unmarshal(body, &wire); err != nil {
		return nil, err
	}
	in := &discordgo.Interaction{Type: wire.Type}
	if m := wire.Member; m != nil {
		in.Member = &discordgo.Member{Roles: m.Roles, Permissions: m.Permissions}
	}
	var err error
	switch wire.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		var data discordgo.ApplicationCommandInteractionData
		err = json.Unmarshal(wire.Data, &data)
		in.Data = data
	case discordgo.InteractionMessageComponent:
		var data discordgo.MessageComponentInteractionData
		err = json.Unmarshal(wire.Data, &data)
		in.Data = data
	case discordgo.InteractionModalSubmit:
		var data discordgo.ModalSubmitInteractionData
		err = json.Unmarshal(wire.Data, &data)
		in.Data = data
	}
	if err != nil {
		return nil, err
	}
	return in, nil
}

func knownType(t discordgo.InteractionType) bool {
	switch t {
	case discordgo.InteractionPing, discordgo.InteractionApplicationCommand, discordgo.InteractionMessageComponent,
		discordgo.InteractionApplicationCommandAutocomplete, discordgo.InteractionModalSubmit:
		return true
	}
	return false
}

// onInteractionCreate answers an interaction from the gateway. The answer goes over REST, as
// Discord requires for gateway-delivered interactions.
func (b *Bot) onInteractionCreate(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	if ic == nil || ic.Interaction == nil {
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
	resp := b.respond(ctx, ic.Interaction)
	if resp.Type == discordgo.InteractionResponsePong {
		return // pings come only over HTTP
	}
	if err := b.answer(ctx, ic.Interaction, resp); err != nil {
		b.logger.Error("answer interaction", "kind", ic.Type.String(), "err", err)
	}
}

// answer posts an interaction response over REST. It is what Session.InteractionRespond does,
// minus discordgo's rate limiter: that keys a bucket by URL and never drops one, and every
// interaction has its own URL, so a long-running bot would grow a bucket per interaction.
// Interaction responses are exempt from the global rate limit, and each token answers once.
func (b *Bot) answer(ctx context.Context, in *discordgo.Interaction, resp *discordgo.InteractionResponse) error {
	const op = "POST interactions/callback" // the URL holds the interaction's token: never logged
	body, err := json.Marshal(resp)
	if err != nil {
		return fmt.Errorf("%s: encode: %w", op, err)
	}
	// Both go into the URL's path: refuse what could leave it.
	if !snowflake(in.ID) || in.Token == "" || strings.ContainsAny(in.Token, "/?#%\\ ") {
		return &apiError{Op: op, Err: errors.New("interaction id or token malformed")}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, discordgo.EndpointInteractionResponse(in.ID, in.Token), bytes.NewReader(body))
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

// respond is the one answer to an interaction, whichever way it came. It never panics: an
// engine failure becomes a short private reply.
func (b *Bot) respond(ctx context.Context, in *discordgo.Interaction) (resp *discordgo.InteractionResponse) {
	defer func() {
		if p := recover(); p != nil {
			b.logger.Error("interaction failed", "kind", in.Type.String(), "panic", fmt.Sprint(p))
			resp = messageResponse(bot.Reply{Status: bot.Invalid, Private: true, Title: "Something went wrong",
				Blocks: []bot.Block{{Kind: bot.Paragraph, Text: "The answer could not be made. Try again, or /help."}}})
		}
	}()
	admin := b.admin(in)
	switch in.Type {
	case discordgo.InteractionPing:
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}
	case discordgo.InteractionApplicationCommand:
		data, ok := commandData(in)
		if !ok {
			return messageResponse(unreadable())
		}
		req := bot.Request{Command: data.Name, Options: map[string]string{}, Admin: admin}
		for _, o := range data.Options {
			if v, ok := optionValue(o); ok {
				req.Options[o.Name] = v
			}
		}
		b.logger.Debug("command", "command", data.Name)
		return messageResponse(b.engine.Handle(ctx, req))
	case discordgo.InteractionApplicationCommandAutocomplete:
		data, ok := commandData(in)
		if !ok {
			return autocompleteResponse(nil)
		}
		return autocompleteResponse(b.complete(data))
	case discordgo.InteractionMessageComponent:
		data, ok := componentData(in)
		if !ok || strings.TrimSpace(data.CustomID) == "" {
			return messageResponse(unreadable())
		}
		// A button's custom_id is the command line it stands for.
		b.logger.Debug("button")
		return messageResponse(b.engine.HandleLine(ctx, data.CustomID, admin))
	}
	return messageResponse(bot.Reply{Status: bot.Invalid, Private: true, Title: "Not supported",
		Blocks: []bot.Block{{Kind: bot.Paragraph, Text: "briefbot answers slash commands and its own buttons. Try /help."}}})
}

func unreadable() bot.Reply {
	return bot.Reply{Status: bot.Invalid, Private: true, Title: "Cannot read that command",
		Blocks: []bot.Block{{Kind: bot.Paragraph, Text: "Try /help."}}}
}

// commandData and componentData read an interaction's data without discordgo's accessors, which
// panic on the wrong interaction type.
func commandData(in *discordgo.Interaction) (discordgo.ApplicationCommandInteractionData, bool) {
	switch d := in.Data.(type) {
	case discordgo.ApplicationCommandInteractionData:
		return d, true
	case *discordgo.ApplicationCommandInteractionData:
		if d != nil {
			return *d, true
		}
	}
	return discordgo.ApplicationCommandInteractionData{}, false
}

func componentData(in *discordgo.Interaction) (discordgo.MessageComponentInteractionData, bool) {
	switch d := in.Data.(type) {
	case discordgo.MessageComponentInteractionData:
		return d, true
	case *discordgo.MessageComponentInteractionData:
		if d != nil {
			return *d, true
		}
	}
	return discordgo.MessageComponentInteractionData{}, false
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
func (b *Bot) complete(data discordgo.ApplicationCommandInteractionData) []bot.Choice {
	req := bot.Request{Command: data.Name, Options: map[string]string{}}
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
	return b.engine.Complete(req, focused, typed, maxAutocomplete)
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

// admin decides Request.Admin: a member with one of the admin roles; with no admin roles
// configured, a member who may manage the server. Nobody is an admin in a DM.
func (b *Bot) admin(in *discordgo.Interaction) bool {
	m := in.Member
	if m == nil {
		return false
	}
	if len(b.adminRoles) > 0 {
		for _, r := range m.Roles {
			if b.adminRoles[r] {
				return true
			}
		}
		return false
	}
	return m.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0
}

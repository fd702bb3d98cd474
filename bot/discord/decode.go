package discord

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/bwmarrin/discordgo"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// wireInteraction is what the HTTP endpoint reads of an interaction: its type, the member's
// roles and permissions, and its data, in one pass. Decoding into discordgo.Interaction instead
// fills dozens of fields briefbot never reads and parses data twice, a fifth of every request;
// the gateway still hands over discordgo's own, and both reach respond as the same type.
type wireInteraction struct {
	Type          discordgo.InteractionType `json:"type"`
	ID            string                    `json:"id"`
	ApplicationID string                    `json:"application_id"`
	Token         string                    `json:"token"`
	Member        *struct {
		User        *wireUser `json:"user"`
		Roles       []string  `json:"roles"`
		Permissions int64     `json:"permissions,string"`
	} `json:"member"`
	User *wireUser `json:"user"` // in a DM, where there is no member
	Data *wireData `json:"data"`
	// Message is the message a pressed button is under: by its id a Share button shares once.
	Message *struct {
		ID string `json:"id"`
	} `json:"message"`
	// Where the interaction came from, and who installed briefbot there: what decides whether
	// the member's roles and permissions count (caller).
	GuildID string                           `json:"guild_id"`
	Context discordgo.InteractionContextType `json:"context"`
	Owners  *wireOwners                      `json:"authorizing_integration_owners"`
}

// wireOwners is an interaction's authorizing_integration_owners, by installation: the guild
// that installed briefbot ("0" in a DM with the bot) and the user who installed it, each
// present only for an installation that authorized the interaction. Read into a field for
// each installation Discord has: a key it adds later is left unread rather than refused.
type wireOwners struct {
	Guild *ownerID `json:"0"`
	User  *ownerID `json:"1"`
}

// An ownerID is a snowflake of authorizing_integration_owners. Discord documents strings, and
// has sent the bot DM's "0" as the number 0: both read the same.
type ownerID string

func (o *ownerID) UnmarshalJSON(raw []byte) error {
	s := string(raw)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	if _, err := strconv.ParseUint(s, 10, 64); err != nil {
		return fmt.Errorf("authorizing integration owner %s: not a snowflake", raw)
	}
	*o = ownerID(s)
	return nil
}

// wireData holds the fields briefbot reads of every kind of interaction's data, so that the
// body is parsed once: a command's or autocomplete's name and options, a button's custom_id.
type wireData struct {
	ID            string                                               `json:"id"`
	Name          string                                               `json:"name"`
	CommandType   discordgo.ApplicationCommandType                     `json:"type"`
	Options       []*discordgo.ApplicationCommandInteractionDataOption `json:"options"`
	CustomID      string                                               `json:"custom_id"`
	ComponentType discordgo.ComponentType                              `json:"component_type"`
	// A message command names the message it was run on, and carries its text: Discord sends
	// a target message's content with the command whatever intents the bot has.
	TargetID string        `json:"target_id"`
	Resolved *wireResolved `json:"resolved"`
}

// wireResolved is the part of a command's resolved data briefbot reads: the target message.
type wireResolved struct {
	Messages map[string]struct {
		Content string `json:"content"`
	} `json:"messages"`
}

type wireUser struct {
	ID string `json:"id"`
}

// decodeInteraction reads a verified body with the JSON v2 decoder (Go's encoding/json/v2, which
// Go 1.26 ships only behind GOEXPERIMENT=jsonv2, as its own module): it parses in one pass with
// a third of encoding/json's allocations, the largest cost of an answer after the signature.
// Unlike encoding/json it refuses duplicate keys and invalid UTF-8, neither of which Discord
// sends.
func decodeInteraction(body []byte) (*discordgo.Interaction, error) {
	var wire wireInteraction
	if err := json.Unmarshal(body, &wire); err != nil {
		return nil, err
	}
	in := &discordgo.Interaction{Type: wire.Type, ID: wire.ID, AppID: wire.ApplicationID, Token: wire.Token}
	if m := wire.Member; m != nil {
		in.Member = &discordgo.Member{Roles: m.Roles, Permissions: m.Permissions}
		if m.User != nil {
			in.Member.User = &discordgo.User{ID: m.User.ID}
		}
	}
	if wire.User != nil {
		in.User = &discordgo.User{ID: wire.User.ID}
	}
	in.GuildID, in.Context = wire.GuildID, wire.Context
	if wire.Message != nil {
		in.Message = &discordgo.Message{ID: wire.Message.ID}
	}
	if o := wire.Owners; o != nil {
		in.AuthorizingIntegrationOwners = make(map[discordgo.ApplicationIntegrationType]string, 2)
		if o.Guild != nil {
			in.AuthorizingIntegrationOwners[discordgo.ApplicationIntegrationGuildInstall] = string(*o.Guild)
		}
		if o.User != nil {
			in.AuthorizingIntegrationOwners[discordgo.ApplicationIntegrationUserInstall] = string(*o.User)
		}
	}
	d := wire.Data
	if d == nil && wire.Type != discordgo.InteractionPing && wire.Type != discordgo.InteractionModalSubmit {
		return nil, errors.New("an interaction without data")
	}
	if d != nil {
		switch wire.Type {
		case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
			data := discordgo.ApplicationCommandInteractionData{ID: d.ID, Name: d.Name, CommandType: d.CommandType, Options: d.Options, TargetID: d.TargetID}
			if m, ok := d.Resolved.message(d.TargetID); ok {
				data.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{
					Messages: map[string]*discordgo.Message{d.TargetID: {ID: d.TargetID, Content: m}}}
			}
			in.Data = data
		case discordgo.InteractionMessageComponent:
			in.Data = discordgo.MessageComponentInteractionData{CustomID: d.CustomID, ComponentType: d.ComponentType}
		}
	}
	return in, nil
}

// message is the content of the resolved message id; false when the data holds none.
func (r *wireResolved) message(id string) (string, bool) {
	if r == nil || id == "" {
		return "", false
	}
	m, ok := r.Messages[id]
	return m.Content, ok
}

func knownType(t discordgo.InteractionType) bool {
	switch t {
	case discordgo.InteractionPing, discordgo.InteractionApplicationCommand, discordgo.InteractionMessageComponent,
		discordgo.InteractionApplicationCommandAutocomplete, discordgo.InteractionModalSubmit:
		return true
	}
	return false
}

// bodies recycles the buffers interactions are read into: at thousands of requests a second, a
// fresh one each time is garbage the collector spends more on than decoding does.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxRecycled bounds the buffers kept for reuse: a rare large body is left to the collector
// rather than held by the pool.
const maxRecycled = 16 << 10

// readBuffer returns an empty buffer with room for prefix bytes and a body of contentLength
// (when the client sent one within maxBody), plus what bytes.Buffer.ReadFrom wants free to
// see the end of the body without growing.
func readBuffer(prefix int, contentLength int64) *bytes.Buffer {
	buf := bodies.Get().(*bytes.Buffer)
	buf.Reset()
	want := int64(1024)
	if contentLength > 0 && contentLength <= maxBody {
		want = contentLength
	}
	buf.Grow(prefix + int(want) + bytes.MinRead)
	return buf
}

func recycle(buf *bytes.Buffer) {
	if buf.Cap() <= maxRecycled {
		bodies.Put(buf)
	}
}

// An incoming interaction is decoded in two steps. Its head is read first: for a command, all
// that answering it needs when its answer was kept. The whole interaction is decoded (decode)
// only when an answer must be made, which for any other kind is at once. From the gateway it
// arrives decoded.
type incoming struct {
	head
	body []byte                 // the verified body, over HTTP
	full *discordgo.Interaction // the whole interaction, once decoded
}

// readInteraction reads a verified body: its head, and the whole of it unless it is a command,
// whose answer may be kept for its data as sent.
func readInteraction(body []byte) (incoming, error) {
	in := incoming{head: readHead(body), body: body}
	if in.Type == discordgo.InteractionApplicationCommand && in.Data != nil {
		return in, nil
	}
	full, err := in.decode()
	if err != nil {
		return incoming{}, err
	}
	// A head out of the ordinary reads as the zero head; the whole interaction says.
	in.Type, in.ID = full.Type, full.ID
	return in, nil
}

// decode is the whole interaction, decoded from the body the first time it is asked for; an
// error when the body is no interaction of a type briefbot knows.
func (in *incoming) decode() (*discordgo.Interaction, error) {
	if in.full != nil {
		return in.full, nil
	}
	full, err := decodeInteraction(in.body)
	if err != nil {
		return nil, err
	}
	if !knownType(full.Type) {
		return nil, fmt.Errorf("an interaction of unknown type %d", full.Type)
	}
	in.full = full
	return full, nil
}

// head is what the endpoint reads of an interaction first: its type and id, by which a replay
// is known, and its data as sent, by which a command answered before is known.
type head struct {
	Type discordgo.InteractionType
	ID   string
	Data []byte // within the body read; nil from the gateway
}

type headReader struct {
	dec jsontext.Decoder
	rd  bytes.Reader
}

var headReaders = sync.Pool{New: func() any { return new(headReader) }}

// readHead reads body's type, id and data, and checks the rest of it as JSON (syntax, UTF-8, no
// key twice) without decoding it. Anything out of the ordinary, an id that is not a string for
// one, gives the zero head, and the body goes to decodeInteraction to be refused or read in full.
func readHead(body []byte) head {
	r := headReaders.Get().(*headReader)
	defer headReaders.Put(r)
	r.rd.Reset(body)
	r.dec.Reset(&r.rd)
	var h head
	if r.dec.PeekKind() != '{' {
		return head{}
	}
	if _, err := r.dec.ReadToken(); err != nil {
		return head{}
	}
	for r.dec.PeekKind() == '"' {
		name, err := r.dec.ReadValue()
		if err != nil {
			return head{}
		}
		switch string(name) {
		case `"type"`:
			v, err := r.dec.ReadValue()
			if err != nil {
				return head{}
			}
			n, err := strconv.ParseUint(string(v), 10, 8)
			if err != nil {
				return head{}
			}
			h.Type = discordgo.InteractionType(n)
		case `"id"`:
			if r.dec.PeekKind() != '"' {
				return head{}
			}
			tok, err := r.dec.ReadToken()
			if err != nil {
				return head{}
			}
			h.ID = tok.String()
		case `"data"`:
			if r.dec.PeekKind() != '{' {
				return head{}
			}
			v, err := r.dec.ReadValue()
			if err != nil {
				return head{}
			}
			// v lasts until the next read; the same bytes in body last as long as it does.
			end := int(r.dec.InputOffset())
			h.Data = body[end-len(v) : end]
		default:
			if err := r.dec.SkipValue(); err != nil {
				return head{}
			}
		}
	}
	if _, err := r.dec.ReadToken(); err != nil { // the closing brace
		return head{}
	}
	if _, err := r.dec.ReadToken(); err != io.EOF {
		return head{}
	}
	return h
}

package discordtest

import (
	"bytes"
	"encoding/json"
)

// Where interactions come from, as their bodies say.
const (
	GuildID   = "290926798626357999"
	ChannelID = "645027906669510667"
	UserID    = "53908232506183680"
)

// An Interaction describes one incoming interaction; Body renders it as Discord sends it, over
// the Interactions Endpoint or inside a gateway's INTERACTION_CREATE.
type Interaction struct {
	Kind     int         // 1 ping, 2 command, 3 button, 4 autocomplete, 5 modal
	Command  string      // for kinds 2 and 4
	Options  [][2]string // name, value, in order
	Focused  string      // the option being typed, for autocomplete
	CustomID string      // for a button
	Perms    string      // the member's permissions; "" is none
	Roles    []string    // the member's roles
	DM       bool        // from a DM with the bot: a user, no member, context 1
	// UserInstall: authorized by the user's own installation of the app rather than a server's:
	// in a server, one that has not installed it.
	UserInstall bool
	Token       string // the interaction token; "" is A_UNIQUE_TOKEN
	ID          string // the interaction id; "" is a new one each time
	// MessageID is the message a pressed button is under; "" is MessageID, the same each time.
	MessageID string
	// Ephemeral: that message is private, as a private answer's buttons are.
	Ephemeral bool
	User      string // the user who sent it; "" is UserID
	// OnMessage: a message command (data type 3) run on a message whose text is Target.
	OnMessage bool
	Target    string
}

// TargetID is the message a message command is run on.
const TargetID = "1361000000000000003"

// MessageCommand is the message command name run on a message of text, as Discord sends it:
// the message's id as target_id, the message itself under resolved.messages.
func MessageCommand(name, text string) Interaction {
	return Interaction{Kind: 2, Command: name, OnMessage: true, Target: text}
}

// MessageID is the message buttons are under unless an interaction names another.
const MessageID = "1361000000000000002"

// Command is a slash command with its options picked by name, as Discord sends them: name,
// value, name, value.
func Command(name string, opts ...string) Interaction {
	in := Interaction{Kind: 2, Command: name}
	for i := 0; i+1 < len(opts); i += 2 {
		in.Options = append(in.Options, [2]string{opts[i], opts[i+1]})
	}
	return in
}

// Autocomplete is an autocomplete of option focused while the command's options are typed.
func Autocomplete(name, focused string, opts ...string) Interaction {
	in := Command(name, opts...)
	in.Kind, in.Focused = 4, focused
	return in
}

// Button is a press of the button with customID under one of the bot's answers.
func Button(customID string) Interaction { return Interaction{Kind: 3, CustomID: customID} }

// Body is the interaction's JSON with every field a full parser (discordgo's, disgo's)
// expects, and a new id each time unless in names one: the adapter answers an interaction id
// once. Like Discord, it leaves <, > and & as they are.
func (in Interaction) Body() []byte {
	token, id := in.Token, in.ID
	if token == "" {
		token = "A_UNIQUE_TOKEN"
	}
	if id == "" {
		id = InteractionID()
	}
	m := map[string]any{
		"type": in.Kind, "id": id, "application_id": AppID, "token": token,
		"version": 1, "locale": "en-US", "app_permissions": "442368",
	}
	userID := UserID
	if in.User != "" {
		userID = in.User
	}
	user := map[string]any{"id": userID, "username": "Mason", "discriminator": "1337", "avatar": nil, "global_name": "Mason"}
	// Who installed the app where the interaction comes from: a server (its id, or "0" in a DM
	// with the bot) or the user.
	owners := map[string]any{"0": GuildID}
	switch {
	case in.UserInstall:
		owners = map[string]any{"1": UserID}
	case in.DM:
		owners = map[string]any{"0": "0"}
	}
	if in.Kind != 1 {
		m["authorizing_integration_owners"] = owners
	}
	if in.DM {
		m["user"] = user
		m["channel_id"] = "645027906669510668"
		m["context"] = 1
	} else if in.Kind != 1 {
		perms := in.Perms
		if perms == "" {
			perms = "0"
		}
		roles := in.Roles
		if roles == nil {
			roles = []string{}
		}
		m["guild_id"], m["channel_id"], m["guild_locale"] = GuildID, ChannelID, "en-US"
		m["member"] = map[string]any{"user": user, "roles": roles, "permissions": perms, "nick": nil,
			"joined_at": "2017-03-13T19:19:14.040000+00:00", "deaf": false, "mute": false, "pending": false, "flags": 0}
		m["channel"] = map[string]any{"id": ChannelID, "type": 0, "name": "policy", "guild_id": GuildID}
		m["context"] = 0
	}
	switch in.Kind {
	case 2, 4:
		var opts []map[string]any
		for _, o := range in.Options {
			opt := map[string]any{"type": 3, "name": o[0], "value": o[1]}
			if in.Kind == 4 && o[0] == in.Focused {
				opt["focused"] = true
			}
			opts = append(opts, opt)
		}
		data := map[string]any{"id": "771825006014889984", "name": in.Command, "type": 1}
		if opts != nil {
			data["options"] = opts
		}
		if in.OnMessage {
			data["type"], data["target_id"] = 3, TargetID
			data["resolved"] = map[string]any{"messages": map[string]any{TargetID: map[string]any{
				"id": TargetID, "channel_id": ChannelID, "content": in.Target, "type": 0, "flags": 0,
				"author":    map[string]any{"id": "80351110224678913", "username": "Rosa", "discriminator": "0", "avatar": nil, "global_name": "Rosa"},
				"timestamp": "2025-04-07T08:59:00.000000+00:00", "embeds": []any{}, "attachments": []any{}, "mentions": []any{},
				"mention_roles": []any{}, "pinned": false, "mention_everyone": false, "tts": false, "components": []any{}}}}
		}
		m["data"] = data
	case 3:
		m["data"] = map[string]any{"custom_id": in.CustomID, "component_type": 2}
		messageID, flags := MessageID, 0
		if in.MessageID != "" {
			messageID = in.MessageID
		}
		if in.Ephemeral {
			flags = 64
		}
		m["message"] = map[string]any{"id": messageID, "channel_id": ChannelID, "content": "",
			"flags": flags, "embeds": []any{}, "components": []any{}, "timestamp": "2025-04-07T09:00:00.000000+00:00"}
	case 5:
		m["data"] = map[string]any{"custom_id": "modal", "components": []any{}}
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		panic(err) // maps of strings and numbers always encode
	}
	return bytes.TrimSpace(out.Bytes())
}

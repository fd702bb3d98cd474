package discord

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
)

// Discord's limits on command registration, from its documentation.
const (
	maxCommands          = 100 // CHAT_INPUT commands per scope
	maxOptions           = 25
	maxChoices           = 25
	maxDescription       = 100
	maxChoiceLength      = 100
	maxCommandCharacters = 8000 // names, descriptions and choices of one command together
)

// Discord's application command and option types.
const (
	chatInput      = 1
	messageCommand = 3
	stringOption   = 3
)

// manageServer is the permission an admin command needs by default: Discord hides the command
// from members without it (server admins can change that per role).
const manageServer int64 = discordgo.PermissionManageGuild

// Where a global command may be installed (integration_types) and used (contexts). Every command
// goes wherever a member takes briefbot: installed in a server or for themselves, used in a
// server, in a DM with the bot or in any other DM. Admin commands stay in the servers that
// installed briefbot, whose roles and rights decide who may run them.
var (
	everyInstall  = []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall, discordgo.ApplicationIntegrationUserInstall}
	serverInstall = []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	everyContext  = []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM, discordgo.InteractionContextPrivateChannel}
	serverContext = []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
)

// A commandSpec is one command as the bulk overwrite takes it. It is ours, not
// discordgo.ApplicationCommand, because that one sends default_member_permissions as a string
// where Discord's OpenAPI description takes an integer, and sends null lists we never set.
type commandSpec struct {
	Type        int          `json:"type"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Options     []optionSpec `json:"options,omitempty"`
	// Null lets every member use the command; sent explicitly so an overwrite clears an old value.
	DefaultMemberPermissions *int64 `json:"default_member_permissions"`
	// Global commands only: Discord documents both for globally-scoped commands, and a guild's
	// commands are that guild's alone. They replace dm_permission, which Discord deprecated and
	// ignores once contexts is set; we never send it.
	IntegrationTypes []discordgo.ApplicationIntegrationType `json:"integration_types,omitempty"`
	Contexts         []discordgo.InteractionContextType     `json:"contexts,omitempty"`
}

type optionSpec struct {
	Type         int          `json:"type"`
	Name         string       `json:"name"`
	Description  string       `json:"description"`
	Required     bool         `json:"required,omitempty"`
	Autocomplete bool         `json:"autocomplete,omitempty"`
	Choices      []choiceSpec `json:"choices,omitempty"`
}

type choiceSpec struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// platform is this adapter's name for the engine: the key of its access rules, command names
// and prefix.
const platform = "discord"

// commandSpecs turns the engine's command table into Discord commands, refusing what Discord
// would refuse, so that a bad table fails at New and not at a 400 during startup.
func commandSpecs(e *bot.Engine) ([]commandSpec, error) {
	cmds := e.Commands()
	if len(cmds) > maxCommands {
		return nil, fmt.Errorf("%d commands; Discord takes at most %d", len(cmds), maxCommands)
	}
	seen := map[string]bool{}
	specs := make([]commandSpec, 0, len(cmds))
	for _, c := range cmds {
		s, err := commandSpecOf(e.NameOn(platform, c), c)
		if err != nil {
			return nil, fmt.Errorf("/%s: %w", c.Name, err)
		}
		if seen[s.Name] {
			return nil, fmt.Errorf("/%s: declared twice", c.Name)
		}
		seen[s.Name] = true
		specs = append(specs, s)
	}
	return append(specs, findSpec), nil
}

// findSpec is "Find in briefing" in a message's Apps menu. A message command has a name as
// shown, no description (Discord wants it empty) and no options; it goes wherever the other
// commands a member may run go.
var findSpec = commandSpec{Type: messageCommand, Name: bot.FindLabel, Description: "",
	IntegrationTypes: everyInstall, Contexts: everyContext}

func commandSpecOf(name string, c bot.Command) (commandSpec, error) {
	s := commandSpec{Type: chatInput, Name: name}
	if err := checkName(name); err != nil {
		return s, err
	}
	desc, err := description(c.Description)
	if err != nil {
		return s, err
	}
	s.Description = desc
	s.IntegrationTypes, s.Contexts = everyInstall, everyContext
	if c.Admin {
		perm := manageServer
		s.DefaultMemberPermissions = &perm
		s.IntegrationTypes, s.Contexts = serverInstall, serverContext
	}
	if len(c.Options) > maxOptions {
		return s, fmt.Errorf("%d options; Discord takes at most %d", len(c.Options), maxOptions)
	}
	total := length(s.Name) + length(s.Description)
	// Discord wants required options first; options are named, so the order changes nothing else.
	var required, optional []optionSpec
	for _, o := range c.Options {
		os, err := optionSpecOf(o)
		if err != nil {
			return s, fmt.Errorf("option %s: %w", o.Name, err)
		}
		total += length(os.Name) + length(os.Description)
		for _, ch := range os.Choices {
			total += length(ch.Name) + length(ch.Value)
		}
		if os.Required {
			required = append(required, os)
		} else {
			optional = append(optional, os)
		}
	}
	if total > maxCommandCharacters {
		return s, fmt.Errorf("%d characters in all; Discord takes at most %d", total, maxCommandCharacters)
	}
	s.Options = append(required, optional...)
	return s, nil
}

func optionSpecOf(o bot.Option) (optionSpec, error) {
	s := optionSpec{Type: stringOption, Name: o.Name, Required: o.Required}
	if err := checkName(o.Name); err != nil {
		return s, err
	}
	desc, err := description(o.Description)
	if err != nil {
		return s, err
	}
	s.Description = desc
	switch o.Kind {
	case bot.IssueOption, bot.SectionOption, bot.BriefingOption, bot.DigestOption, bot.CommandOption, bot.DateOption:
		s.Autocomplete = true
	case bot.ChoiceOption:
		s.Choices, err = choices(o.Choices)
		if err != nil {
			return s, err
		}
	case bot.PartyOption:
		// Fixed choices while the parties fit them; beyond that, autocomplete, which the engine
		// ranks the same way.
		if s.Choices, err = choices(o.Choices); err != nil || len(s.Choices) == 0 {
			s.Choices, s.Autocomplete = nil, true
		}
	}
	return s, nil
}

func choices(values []string) ([]choiceSpec, error) {
	if len(values) > maxChoices {
		return nil, fmt.Errorf("%d choices; Discord takes at most %d", len(values), maxChoices)
	}
	out := make([]choiceSpec, 0, len(values))
	for _, v := range values {
		if n := length(v); n < 1 || n > maxChoiceLength {
			return nil, fmt.Errorf("choice %q: 1 to %d characters", v, maxChoiceLength)
		}
		out = append(out, choiceSpec{Name: v, Value: v})
	}
	return out, nil
}

// checkName applies Discord's rule for command and option names, ^[-_\p{L}\p{N}]{1,32}$ in
// lower case.
func checkName(name string) error {
	ok := name != "" && utf8.RuneCountInString(name) <= 32 && strings.ToLower(name) == name
	for _, r := range name {
		ok = ok && (r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r))
	}
	if !ok {
		return fmt.Errorf("name %q: Discord takes 1 to 32 lower-case letters, digits, - and _", name)
	}
	return nil
}

// description fits a description into Discord's 1 to 100 characters: a long one is shortened,
// since it is only help text; a missing one is an error in the command table.
func description(d string) (string, error) {
	d = strings.TrimSpace(d)
	if d == "" {
		return "", errors.New("no description")
	}
	return clip(d, maxDescription), nil
}

// Register makes Discord's commands match the engine in force, in every scope: global, or each
// configured guild. Discord allows 200 command creations a day per scope, and a bulk overwrite
// counts, so it overwrites only when what Discord has differs: a reload that changed no command
// costs one GET per scope.
//
// The outcome shows in Health. Once the Bot is started, a failure that may pass is also retried
// in the background (see Start), whoever called: Start, or a reload.
func (b *Bot) Register(ctx context.Context) error {
	err := b.register(ctx)
	if ctx.Err() != nil {
		return err // the caller gave up (Close, shutdown): that says nothing of Discord
	}
	b.health.registered(err, retryable(err), b.now())
	if err != nil && retryable(err) {
		b.mu.Lock()
		started := b.started
		b.mu.Unlock()
		if started {
			b.keepTrying("command registration", &b.registering, err, b.Register)
		}
	}
	return err
}

func (b *Bot) register(ctx context.Context) error {
	specs, err := commandSpecs(b.core.Engine())
	if err != nil {
		return err
	}
	if len(b.cfg.GuildIDs) == 0 {
		return b.registerAt(ctx, "global", discordgo.EndpointApplicationGlobalCommands(b.cfg.ApplicationID), specs)
	}
	specs = guildScoped(specs)
	var errs []error
	for _, g := range b.cfg.GuildIDs {
		if err := b.registerAt(ctx, "guild "+g, discordgo.EndpointApplicationGuildCommands(b.cfg.ApplicationID, g), specs); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (b *Bot) registerAt(ctx context.Context, scope, endpoint string, specs []commandSpec) error {
	raw, err := b.request(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return fmt.Errorf("%s: list commands: %w", scope, err)
	}
	var have []registeredCommand
	if err := json.Unmarshal(raw, &have); err != nil {
		return fmt.Errorf("%s: list commands: %w", scope, err)
	}
	if sameCommands(specs, have) {
		b.logger.Info("commands unchanged", "scope", scope, "commands", len(specs))
		return nil
	}
	if _, err := b.request(ctx, http.MethodPut, endpoint, specs); err != nil {
		return fmt.Errorf("%s: overwrite commands: %w", scope, err)
	}
	b.logger.Info("commands registered", "scope", scope, "commands", len(specs))
	return nil
}

// guildScoped is specs as one guild's commands: without the install and context lists, which
// apply to global commands only. Discord may list a guild's commands back with defaults of its
// own there, which must not count as a change at every start.
func guildScoped(specs []commandSpec) []commandSpec {
	out := slices.Clone(specs)
	for i := range out {
		out[i].IntegrationTypes, out[i].Contexts = nil, nil
	}
	return out
}

// A registeredCommand is a command as Discord lists it: with ids and versions we ignore, and
// default_member_permissions as a string. A command registered before user installs lists
// integration_types [0] and contexts null.
type registeredCommand struct {
	Type                     int                                    `json:"type"`
	Name                     string                                 `json:"name"`
	Description              string                                 `json:"description"`
	Options                  []optionSpec                           `json:"options"`
	DefaultMemberPermissions json.RawMessage                        `json:"default_member_permissions"`
	IntegrationTypes         []discordgo.ApplicationIntegrationType `json:"integration_types"`
	Contexts                 []discordgo.InteractionContextType     `json:"contexts"`
}

// sameCommands reports whether Discord's commands are ours, in the fields we set. Fields we
// leave to Discord (localizations, dm_permission; in a guild, contexts and integration types)
// do not count.
func sameCommands(want []commandSpec, have []registeredCommand) bool {
	if len(want) != len(have) {
		return false
	}
	byName := make(map[string]registeredCommand, len(have))
	for _, h := range have {
		byName[h.Name] = h
	}
	for _, w := range want {
		h, ok := byName[w.Name]
		if !ok {
			return false
		}
		if h.Type == 0 {
			h.Type = chatInput
		}
		perm, ok := permissions(h.DefaultMemberPermissions)
		if !ok || h.Type != w.Type || h.Description != w.Description || !samePermissions(perm, w.DefaultMemberPermissions) {
			return false
		}
		if !reflect.DeepEqual(normalOptions(w.Options), normalOptions(h.Options)) {
			return false
		}
		if w.IntegrationTypes != nil && !sameSet(w.IntegrationTypes, h.IntegrationTypes) {
			return false
		}
		if w.Contexts != nil && !sameSet(w.Contexts, h.Contexts) {
			return false
		}
	}
	return true
}

// sameSet reports whether a and b hold the same values, in any order: Discord keeps both lists
// as sets.
func sameSet[T cmp.Ordered](a, b []T) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// permissions reads a permission set as Discord lists it (a string) or as a proxy might (a number).
func permissions(raw json.RawMessage) (*int64, bool) {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if s == "" || s == "null" {
		return nil, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, false
	}
	return &n, true
}

func samePermissions(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func normalOptions(in []optionSpec) []optionSpec {
	if len(in) == 0 {
		return nil
	}
	out := make([]optionSpec, len(in))
	for i, o := range in {
		if len(o.Choices) == 0 {
			o.Choices = nil
		}
		out[i] = o
	}
	return out
}

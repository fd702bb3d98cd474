package bot

import (
	"slices"
	"strings"
)

// A Request is one command as any platform delivers it, already translated by its adapter. An
// Engine makes it (Parse, ParseOn, RequestOn) and settles, once, all that answering it needs:
// which command it is, whether it may be kept, or that it could not be read. Nothing about it is
// looked up again; the chain answers it from what it carries (Answer).
type Request struct {
	// Engine read the request, and answers it: a reload in between cannot pair one engine's
	// reading with another's answer. Nil in a request made by hand (to Complete one), which the
	// chain answers as unreadable.
	Engine *Engine
	// Command is the command's row in Engine's table, the zero Command in a request that could
	// not be read (Refusal). Its Slow tells the adapter to acknowledge at once and follow up.
	Command Command
	Options map[string]string // option name -> what the user typed
	Caller  Caller
	// Room is how much one message holds where the answer goes: the adapter says, and a long
	// answer comes in pages that fit it. The zero Room takes any answer whole.
	Room Room
	// Cacheable: the answer is a function of the engine and the request alone (the command, its
	// options and the platform), so that an adapter may keep it until the engine is swapped. It
	// holds for every command that neither posts (Slow), nor reads the ledger (Volatile), nor
	// depends on the caller (Admin).
	Cacheable bool
	// Refusal is the answer for a request that could not be read (an unknown command, words
	// that do not fit): it still goes through the chain, so that it is logged and counted like
	// any.
	Refusal *Reply
	// Kept is the answer an adapter kept from an earlier identical request of the same engine
	// (AnswerCache): it goes through the chain too, for the same reason, and nothing is computed
	// again.
	Kept *Reply
}

// Option returns the trimmed value of a named option.
func (r Request) Option(name string) string { return strings.TrimSpace(r.Options[name]) }

// Label names the request for logs and metrics: the command's name from the table, or
// "unknown"; never text a user typed.
func (r Request) Label() string {
	if r.Refusal != nil || r.Command.Name == "" {
		return "unknown"
	}
	return r.Command.Name
}

// A Caller is who sent a request, as the platform tells it. The engine, not the adapter, decides
// from it who is an admin, so that the rules live in one place and follow a reload.
type Caller struct {
	Platform string   // "discord", "slack", "shell"
	User     string   // the platform's user id
	Roles    []string // the member's role ids, where the platform has roles
	// Manager: the platform itself grants the caller the server's management (Discord's Manage
	// Server or Administrator permission).
	Manager bool
	// OutsideServer: the request came from outside every server that installed the bot: a DM, a
	// group DM, or a server where only the caller installed it, for themselves. No server's roles
	// or rights reach there, so no caller is an admin there, whatever the access rules say.
	OutsideServer bool
}

// Actor names the caller for the audit trail: "discord:80351110224678912", "shell".
func (c Caller) Actor() string {
	if c.User == "" {
		return c.Platform
	}
	return c.Platform + ":" + c.User
}

// Access says who may run admin commands on one platform.
type Access struct {
	Everyone bool     // every caller: the local shell, whose user is the operator
	Managers bool     // callers the platform calls managers of the server
	Users    []string // these user ids
	Roles    []string // members with one of these role ids
}

// allows reports whether c passes these rules.
func (a Access) allows(c Caller) bool {
	if a.Everyone || (a.Managers && c.Manager) {
		return true
	}
	if c.User != "" && slices.Contains(a.Users, c.User) {
		return true
	}
	for _, r := range c.Roles {
		if slices.Contains(a.Roles, r) {
			return true
		}
	}
	return false
}

// who describes the rules for a refusal: who may, in words.
func (a Access) who() string {
	var parts []string
	if a.Managers {
		parts = append(parts, "members who may manage the server")
	}
	if len(a.Roles) > 0 {
		parts = append(parts, "members with an admin role named in the config")
	}
	if len(a.Users) > 0 {
		parts = append(parts, "the admins named in the config")
	}
	if len(parts) == 0 {
		return "nobody here: the config names no admins for this platform"
	}
	return strings.Join(parts, " and ")
}

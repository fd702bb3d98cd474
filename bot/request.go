package bot

import (
	"slices"
	"strings"
)

// A Request is one command as any platform delivers it, already translated by its adapter. It is
// made by an Engine (Parse, ParseOn, RequestOn), which it remembers: the request is answered by
// the engine that read it.
type Request struct {
	Command string            // the command's name in the table, never what was typed
	Options map[string]string // option name -> what the user typed
	Caller  Caller

	engine *Engine
	// refusal is the answer for a request that could not be read (an unknown command, words that
	// do not fit): it still goes through the chain, so that it is logged and counted like any.
	refusal *Reply
	// known is an answer an adapter already has for this very request (from its cache): it
	// goes through the chain too, for the same reason.
	known *Reply
}

// Known is req answered with r, which an adapter kept from an earlier identical request of the
// same engine: the chain sees it as any other, but nothing is computed again.
func (r Request) Known(reply Reply) Request {
	r.known = &reply
	return r
}

// Cacheable reports whether the answer is a function of the engine and the request alone (the
// command, its options and the platform), so that an adapter may keep it until the engine is
// swapped: every command that neither posts, nor reads the ledger, nor depends on the caller.
func (r Request) Cacheable() bool {
	if r.engine == nil || r.refusal != nil {
		return false
	}
	c, ok := r.engine.Command(r.Command)
	return ok && !c.Slow && !c.Admin && !c.Volatile
}

// Option returns the trimmed value of a named option.
func (r Request) Option(name string) string { return strings.TrimSpace(r.Options[name]) }

// Label names the request for logs and metrics: the command's name from the table, or
// "unknown"; never text a user typed.
func (r Request) Label() string {
	if r.refusal != nil || r.Command == "" {
		return "unknown"
	}
	return r.Command
}

// Slow reports whether the command may take longer than a platform waits for its first answer,
// so the adapter acknowledges it at once and follows up.
func (r Request) Slow() bool {
	if r.engine == nil || r.refusal != nil {
		return false
	}
	c, ok := r.engine.Command(r.Command)
	return ok && c.Slow
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

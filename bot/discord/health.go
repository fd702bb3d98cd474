package discord

import (
	"fmt"
	"sync"
	"time"
)

// A Status is the state of one connection or duty of the adapter, for the server's readiness
// report. Plain values, so that the server needs nothing of Discord to show them.
type Status struct {
	Name   string    // "discord.gateway", "discord.commands"
	Up     bool      // working as it should
	Detail string    // how it is, or what is wrong; never a secret
	Since  time.Time // when Up last changed; zero before the first attempt
	Seen   time.Time // the last sign of life from Discord (a heartbeat acknowledged); zero when none
}

// heartbeatSilence is how long the gateway may go without a heartbeat acknowledged before
// Health calls it down: two of Discord's heartbeat intervals (about 41¼ seconds each) and a
// margin. discordgo itself reconnects after five intervals; readiness says so sooner.
const heartbeatSilence = 90 * time.Second

// health holds what Health reports that only the adapter knows: how the last registration and
// gateway attempts went.
type health struct {
	mu       sync.Mutex
	commands state
	gateway  state
	open     bool // the gateway opened and is not closed: discordgo's view decides
	// last is the gateway as last read from discordgo, for when its lock is busy.
	last gatewayView
}

// A state is one check as last set: whether it is up, what to say, and since when.
type state struct {
	set    bool
	up     bool
	detail string
	since  time.Time
}

func (s *state) to(up bool, detail string, now time.Time) {
	if !s.set || s.up != up {
		s.since = now
	}
	s.set, s.up, s.detail = true, up, detail
}

func (s state) status(name string) Status {
	return Status{Name: name, Up: s.up, Detail: s.detail, Since: s.since}
}

// registered records how a registration went.
func (h *health) registered(err error, mayPass bool, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case err == nil:
		h.commands.to(true, "registered", now)
	case mayPass:
		h.commands.to(false, "retrying: "+err.Error(), now)
	default:
		h.commands.to(false, "refused, not retried: "+err.Error(), now)
	}
}

// opened records how an attempt to open the gateway went.
func (h *health) opened(err error, mayPass bool, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case err == nil:
		h.open = true
		h.gateway.to(true, "open", now)
	case mayPass:
		h.gateway.to(false, "not open, retrying: "+err.Error(), now)
	default:
		h.gateway.to(false, "not open, refused: "+err.Error(), now)
	}
}

func (h *health) closed(now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.open = false
	h.gateway.to(false, "closed", now)
}

// A gatewayView is what discordgo tells of its connection.
type gatewayView struct {
	read  bool      // read at least once
	ready bool      // connected, with heartbeats going
	ack   time.Time // the last heartbeat acknowledged (or the connection's hello)
}

// Health reports the adapter's state: the command registration when there is a token, and
// the gateway when it is configured. It does no I/O and never waits on discordgo: while discordgo
// holds its session (opening or closing, which takes seconds), the last reading stands.
func (b *Bot) Health() []Status {
	if b.cfg.Token == "" {
		return nil // nothing registered, nothing connected: the HTTP endpoint needs neither
	}
	now := b.now()
	view, fresh := b.gatewayView()
	b.health.mu.Lock()
	defer b.health.mu.Unlock()
	if fresh {
		b.health.last = view
	}
	commands := b.health.commands
	if !commands.set {
		commands.detail = "not registered yet"
	}
	out := []Status{commands.status("discord.commands")}
	if !b.cfg.Gateway {
		return out
	}
	b.gatewayState(now)
	c := b.health.gateway.status("discord.gateway")
	if b.health.open && b.health.last.read {
		c.Seen = b.health.last.ack
	}
	return append(out, c)
}

// gatewayState brings the gateway's state up to date with the last reading; h.mu is held.
// Until the gateway has opened, and after Close, the last attempt's outcome stands.
func (b *Bot) gatewayState(now time.Time) {
	h := &b.health
	if !h.open {
		if !h.gateway.set {
			h.gateway.detail = "not open yet"
		}
		return
	}
	v := h.last
	switch silent := now.Sub(v.ack); {
	case !v.read:
		h.gateway.to(false, "opening", now)
	case !v.ready:
		h.gateway.to(false, "connecting", now) // opened but not yet beating, or discordgo reconnecting
	case silent > heartbeatSilence:
		h.gateway.to(false, fmt.Sprintf("no heartbeat acknowledged for %s", silent.Round(time.Second)), now)
	default:
		h.gateway.to(true, "open", now)
	}
}

// gatewayView reads discordgo's connection state without waiting for its lock; false when the
// lock is busy.
func (b *Bot) gatewayView() (gatewayView, bool) {
	s := b.session
	if !s.TryRLock() {
		return gatewayView{}, false
	}
	defer s.RUnlock()
	return gatewayView{read: true, ready: s.DataReady, ack: s.LastHeartbeatAck}, true
}

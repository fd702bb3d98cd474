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

// discordHeartbeat is the heartbeat interval Discord's gateways announce, assumed until a
// connection's hello is read.
const discordHeartbeat = 41250 * time.Millisecond

// heartbeatMargin caps the margin heartbeatSilence allows beyond two intervals: at Discord's
// usual interval, 90 seconds in all, as readiness has always allowed.
const heartbeatMargin = 7500 * time.Millisecond

// heartbeatSilence is how long the gateway may go without a heartbeat acknowledged before Health
// calls it down, on a connection whose hello announced interval (0 when not known): two
// intervals, and a margin of one more, at most heartbeatMargin, for the round trip. discordgo
// itself reconnects after five intervals; readiness says so sooner.
func heartbeatSilence(interval time.Duration) time.Duration {
	if interval <= 0 {
		interval = discordHeartbeat
	}
	return 2*interval + min(interval, heartbeatMargin)
}

// health holds what Health reports that only the adapter knows: how the last registration and
// gateway attempts went.
type health struct {
	mu       sync.Mutex
	commands state
	gateway  state
	open     bool // the gateway opened and is not closed: discordgo's view decides
	// last is the gateway as last read from discordgo, for when its lock is busy.
	last gatewayView
	// conns counts the gateway connections dialed; interval is the heartbeat interval the hello
	// of the last one announced, or the one before it until that hello is in, and 0 when none
	// could be read.
	conns    uint64
	interval time.Duration
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

// dialed notes a new gateway connection and returns its number.
func (h *health) dialed() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.conns++
	return h.conns
}

// greeted records the heartbeat interval that connection n's hello announced (0 when it could
// not be read), unless a later connection was dialed since; false then.
func (h *health) greeted(n uint64, interval time.Duration) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if n != h.conns {
		return false
	}
	h.interval = interval
	return true
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
	case silent > heartbeatSilence(h.interval):
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

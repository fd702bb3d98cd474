package slack

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// A Status is the state of one connection of the adapter, for the server's readiness report.
// Plain values, so that the server needs nothing of Slack to show them.
type Status struct {
	Name   string    // "slack.socket"
	Up     bool      // working as it should
	Detail string    // how it is, or what is wrong; never a secret
	Since  time.Time // when Up last changed; zero before the first attempt
	Seen   time.Time // the last sign of life from Slack (a ping, an event); zero when none
}

// defaultPingTimeout is how long a Socket Mode connection may go without a ping from Slack
// before slack-go takes it for dead and opens another (its own default, made explicit here):
// a half-open connection would otherwise keep its share of events and lose them. slack-go
// checks once a pingTimeout, so a dead connection is replaced within two; Health calls it down
// after two as well.
const defaultPingTimeout = 30 * time.Second

// socketHealth is what the Socket Mode events and the connection's reads tell.
type socketHealth struct {
	mu    sync.Mutex
	set   bool
	up    bool
	what  string
	since time.Time
	seen  time.Time // the last read from Slack, pings included
}

func (h *socketHealth) to(up bool, what string, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.set || h.up != up {
		h.since = now
	}
	h.set, h.up, h.what = true, up, what
}

func (h *socketHealth) heard(now time.Time) {
	h.mu.Lock()
	h.seen = now
	h.mu.Unlock()
}

// Health reports the Socket Mode connection when an app token is configured: up while slack-go
// is connected and Slack was heard from within two ping timeouts. It does no I/O. HTTP mode
// has no connection to report.
func (b *Bot) Health() []Status {
	if b.cfg.AppToken == "" {
		return nil
	}
	now := b.now()
	h := &b.socket
	h.mu.Lock()
	defer h.mu.Unlock()
	s := Status{Name: "slack.socket", Up: h.up, Detail: h.what, Since: h.since, Seen: h.seen}
	if !h.set {
		s.Detail = "not connected yet"
	}
	if silent := now.Sub(h.seen); h.up && silent > 2*b.pingTimeout {
		s.Up, s.Since = false, h.seen.Add(2*b.pingTimeout)
		s.Detail = fmt.Sprintf("connected, but nothing heard from Slack for %s", silent.Round(time.Second))
	}
	return []Status{s}
}

// dialer is slack-go's websocket dialer, with the same settings, whose connections note every
// read: pings are answered inside slack-go and surface nowhere else.
func (b *Bot) dialer() *websocket.Dialer {
	return &websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: 45 * time.Second,
		// Slack does not reassemble fragmented frames: an answer up to its 20 KB limit must go
		// in one (slack-go's note).
		WriteBufferSize: 32 << 10,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &heardConn{Conn: c, heard: func() { b.socket.heard(b.now()) }}, nil
		},
	}
}

// A heardConn notes each read that brings bytes.
type heardConn struct {
	net.Conn
	heard func()
}

func (c *heardConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.heard()
	}
	return n, err
}

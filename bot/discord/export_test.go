package discord

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/gorilla/websocket"
)

// Hooks for the tests of package discord_test. They exist only while testing.

// SetSleep replaces the wait between retries, so that tests see each wait and decide when it
// ends instead of sleeping through it.
func SetSleep(b *Bot, sleep func(ctx context.Context, d time.Duration) error) { b.sleep = sleep }

// HelloLimit bounds what is read of a gateway connection for its hello.
const HelloLimit = helloLimit

// ReadHello reads the heartbeat interval from the start of a gateway connection's input.
func ReadHello(in []byte) (time.Duration, error) {
	interval, _, err := readHello(in)
	return interval, err
}

// WatchHello makes c read its hello as it passes, and call heard once it has or cannot.
func WatchHello(c net.Conn, heard func(time.Duration, error)) net.Conn {
	return &helloConn{Conn: c, heard: heard}
}

// GatewayDialer is the gateway's dialer, with proxy in place of the environment's, whose
// connections pass through watch; false when they do not.
func GatewayDialer(proxy func(*http.Request) (*url.URL, error), watch func(net.Conn) net.Conn) (*websocket.Dialer, bool) {
	return newGatewayDialer(proxy, watch)
}

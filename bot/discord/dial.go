package discord

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"

	"github.com/gorilla/websocket"
)

// A proxyFunc names the proxy for a request, as http.ProxyFromEnvironment does; nil for none.
type proxyFunc func(*http.Request) (*url.URL, error)

// gatewayDialer is the websocket dialer of discordgo's gateway connections, each of which reads
// its hello for Health (hello.go).
func (b *Bot) gatewayDialer() *websocket.Dialer {
	d, reads := newGatewayDialer(http.ProxyFromEnvironment, b.watchHello)
	if !reads && b.cfg.Gateway {
		b.logger.Info("gateway through a proxy that is not http: its hello is not read, readiness allows the silence of Discord's usual heartbeat interval")
	}
	return d
}

// newGatewayDialer makes the dialer, whose connections pass through watch; false when they
// cannot.
//
// To read what comes in on a wss connection, the dialer does the TLS that gorilla would: under
// gorilla's own TLS there is only ciphertext to see. gorilla then cannot route the dial through
// a proxy (it would reach the proxy with the TLS function: gorilla/websocket#779), so the dialer
// reaches the environment's proxy itself, an http proxy by CONNECT, as gorilla did. gorilla also
// takes socks5 proxies: with one of those, the gateway keeps gorilla's dialer as before,
// unwatched.
func newGatewayDialer(proxy proxyFunc, watch func(net.Conn) net.Conn) (*websocket.Dialer, bool) {
	if p, err := proxy(&http.Request{URL: &url.URL{Scheme: "https", Host: "gateway.discord.gg"}}); err == nil && p != nil && p.Scheme != "http" {
		return &websocket.Dialer{Proxy: proxy, HandshakeTimeout: handshakeTimeout}, false
	}
	d := &websocket.Dialer{HandshakeTimeout: handshakeTimeout}
	d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialThrough(ctx, proxy, "http", network, addr)
		if err != nil {
			return nil, err
		}
		return watch(c), nil
	}
	d.NetDialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialThrough(ctx, proxy, "https", network, addr)
		if err != nil {
			return nil, err
		}
		// As gorilla does: its TLSClientConfig, if any, and the host dialed as the server name.
		cfg := &tls.Config{}
		if d.TLSClientConfig != nil {
			cfg = d.TLSClientConfig.Clone()
		}
		if cfg.ServerName == "" {
			cfg.ServerName, _, _ = net.SplitHostPort(addr)
		}
		tc := tls.Client(c, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			c.Close()
			return nil, err
		}
		return watch(tc), nil
	}
	return d, true
}

// dialThrough connects to addr, through the proxy that proxy names for scheme://addr if any. The
// connection keeps ctx's deadline (gorilla's handshake timeout) until gorilla lifts it.
func dialThrough(ctx context.Context, proxy proxyFunc, scheme, network, addr string) (net.Conn, error) {
	p, err := proxy(&http.Request{URL: &url.URL{Scheme: scheme, Host: addr}})
	if err != nil {
		return nil, err
	}
	var dialer net.Dialer
	if p == nil {
		return dialer.DialContext(ctx, network, addr)
	}
	if p.Scheme != "http" {
		return nil, fmt.Errorf("gateway: %s proxy not supported", p.Scheme)
	}
	at := p.Host
	if p.Port() == "" {
		at = net.JoinHostPort(p.Hostname(), "80")
	}
	c, err := dialer.DialContext(ctx, network, at)
	if err != nil {
		return nil, err
	}
	if deadline, ok := ctx.Deadline(); ok {
		c.SetDeadline(deadline)
	}
	if err := connect(c, p, addr); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// connect asks an http proxy, over c, for a tunnel to addr, as gorilla's proxy dialer does.
func connect(c net.Conn, p *url.URL, addr string) error {
	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: addr}, Host: addr, Header: http.Header{}}
	if u := p.User; u != nil {
		if password, ok := u.Password(); ok {
			req.Header.Set("Proxy-Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+password)))
		}
	}
	if err := req.Write(c); err != nil {
		return err
	}
	// The server speaks first in neither TLS nor a websocket upgrade: nothing past the proxy's
	// answer can be in the buffer.
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		return fmt.Errorf("gateway proxy: %w", err)
	}
	// Not resp.Body.Close: an answer to CONNECT has no length, and closing would read the tunnel.
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("gateway proxy: %s", resp.Status)
	}
	if br.Buffered() > 0 {
		return errors.New("gateway proxy: data before the tunnel's use")
	}
	return nil
}

package discordtest

import (
	"bytes"
	"cmp"
	"compress/zlib"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func (f *Fake) gateway(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"url": "ws" + strings.TrimPrefix(f.Server.URL, "http") + "/gateway-ws"})
}

// DropGateway cuts the gateway's connections without a word, as a network failure does;
// discordgo reconnects and resumes.
func (f *Fake) DropGateway() {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	for c := range f.sockets {
		c.Close()
	}
}

// hello greets a gateway connection with the heartbeat interval set now.
func (f *Fake) hello(c *websocket.Conn) error {
	f.Mu.Lock()
	interval, zlibbed := cmp.Or(f.HeartbeatInterval, 45000), f.HelloZlib
	f.Hellos++
	f.LastHello = time.Now()
	f.Mu.Unlock()
	msg, _ := json.Marshal(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": interval}, "s": nil, "t": nil})
	if !zlibbed {
		return c.WriteMessage(websocket.TextMessage, msg)
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(msg)
	zw.Close()
	return c.WriteMessage(websocket.BinaryMessage, z.Bytes())
}

// gatewaySocket says hello and takes the identify, then sends READY and one INTERACTION_CREATE;
// or it takes a resume and sends RESUMED. Then it acknowledges heartbeats.
func (f *Fake) gatewaySocket(w http.ResponseWriter, r *http.Request) {
	c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	f.Mu.Lock()
	if f.sockets == nil {
		f.sockets = map[*websocket.Conn]bool{}
	}
	f.sockets[c] = true
	f.Mu.Unlock()
	defer func() {
		f.Mu.Lock()
		delete(f.sockets, c)
		f.Mu.Unlock()
	}()
	if f.hello(c) != nil {
		return
	}
	for {
		var m struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := c.ReadJSON(&m); err != nil {
			return
		}
		if m.Op == 6 {
			var resume struct {
				Seq int `json:"seq"`
			}
			json.Unmarshal(m.D, &resume)
			f.Mu.Lock()
			f.Resumes++
			f.Mu.Unlock()
			c.WriteJSON(map[string]any{"op": 0, "s": resume.Seq + 1, "t": "RESUMED", "d": map[string]any{}})
			f.heartbeats(c)
			return
		}
		if m.Op == 2 {
			f.Mu.Lock()
			f.Identify = m.D
			f.Identifies++
			f.Mu.Unlock()
			break
		}
	}
	c.WriteJSON(map[string]any{"op": 0, "s": 1, "t": "READY", "d": map[string]any{
		"v": 10, "session_id": "fake-session", "resume_gateway_url": "ws://127.0.0.1:1",
		"user": map[string]any{"id": AppID, "username": "briefbot", "bot": true}, "guilds": []any{},
		"application": map[string]any{"id": AppID, "flags": 0}}})
	f.Mu.Lock()
	in, again, first := f.GatewayIn, f.GatewayAgain, f.GatewayFirst
	f.Mu.Unlock()
	if first != nil {
		c.WriteJSON(map[string]any{"op": 0, "s": 2, "t": "INTERACTION_CREATE", "d": json.RawMessage(first)})
	}
	if in != nil {
		c.WriteJSON(map[string]any{"op": 0, "s": 2, "t": "INTERACTION_CREATE", "d": json.RawMessage(in)})
		if again {
			c.WriteJSON(map[string]any{"op": 0, "s": 3, "t": "INTERACTION_CREATE", "d": json.RawMessage(in)})
		}
	}
	done := make(chan struct{})
	defer close(done)
	var writing sync.Mutex // gorilla's connections take one writer at a time
	write := func(v any) error {
		writing.Lock()
		defer writing.Unlock()
		return c.WriteJSON(v)
	}
	go func() {
		for seq := 4; ; seq++ {
			select {
			case in := <-f.dispatch:
				write(map[string]any{"op": 0, "s": seq, "t": "INTERACTION_CREATE", "d": json.RawMessage(in)})
			case <-done:
				return
			}
		}
	}()
	f.heartbeatsWith(c, write)
}

// Dispatch sends one interaction over the open gateway connection, as Discord does when a
// member runs a command; the adapter answers it over REST (Callbacks). It waits for the bot to
// connect; the bound only keeps a broken test from hanging.
func (f *Fake) Dispatch(tb testing.TB, interaction []byte) {
	tb.Helper()
	select {
	case f.dispatch <- interaction:
	case <-time.After(20 * time.Second):
		tb.Fatal("the bot never connected to the gateway")
	}
}

// heartbeats acknowledges the connection's heartbeats, unless SilentHeartbeats, until it ends.
func (f *Fake) heartbeats(c *websocket.Conn) { f.heartbeatsWith(c, c.WriteJSON) }

// heartbeatsWith acknowledges heartbeats through write, which may be shared with dispatches.
func (f *Fake) heartbeatsWith(c *websocket.Conn, write func(any) error) {
	for {
		var m struct {
			Op int `json:"op"`
		}
		if err := c.ReadJSON(&m); err != nil {
			return
		}
		if m.Op != 1 {
			continue
		}
		f.Mu.Lock()
		f.Heartbeats++
		f.LastHeartbeat = time.Now()
		ack := !f.SilentHeartbeats
		if ack {
			f.LastHeartbeatAck = time.Now()
		}
		f.Mu.Unlock()
		if ack {
			write(map[string]any{"op": 11, "d": nil, "s": nil, "t": nil})
		}
	}
}

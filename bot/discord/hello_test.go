package discord_test

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"briefbot/bot/discord"
)

// upgraded is the start of a gateway connection's input: the answer to the websocket upgrade.
const upgraded = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
	"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSet-Cookie: __cf_bm=SECRET; path=/\r\n\r\n"

// Websocket opcodes and the FIN bit, for frames as a server sends them.
const (
	fin          = 0x80
	opContinue   = 0x0
	opText       = 0x1
	opBinary     = 0x2
	opClose      = 0x8
	opPing       = 0x9
	textFrame    = fin | opText
	binaryFrame  = fin | opBinary
	helloMessage = `{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":41250,"_trace":["[\"gateway-prd-us-east1-b-0568\",{\"micros\":0.0}]"]}}`
)

// frame is one unmasked frame with b0 as its first byte, its length in the shortest form.
func frame(b0 byte, payload string) []byte {
	out := []byte{b0}
	switch n := len(payload); {
	case n < 126:
		out = append(out, byte(n))
	case n < 1<<16:
		out = append(out, 126)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
	default:
		out = append(out, 127)
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	}
	return append(out, payload...)
}

func zlibbed(s string) string {
	var b bytes.Buffer
	z := zlib.NewWriter(&b)
	z.Write([]byte(s))
	z.Close()
	return b.String()
}

func input(parts ...[]byte) []byte {
	return bytes.Join(append([][]byte{[]byte(upgraded)}, parts...), nil)
}

func helloOf(ms string) string {
	return `{"op":10,"d":{"heartbeat_interval":` + ms + `},"s":null,"t":null}`
}

// helloCases are the starts of gateway connections and what is read of them: an interval, or
// the reason there is none.
var helloCases = []struct {
	name     string
	in       []byte
	interval time.Duration
	err      string
}{
	{"text", input(frame(textFrame, helloMessage)), 41250 * time.Millisecond, ""},
	{"zlib", input(frame(binaryFrame, zlibbed(helloOf("1000")))), time.Second, ""},
	{"fragmented, a ping between", input(frame(opText, helloOf("1500")[:9]), frame(fin|opPing, "hi"),
		frame(opContinue, helloOf("1500")[9:20]), frame(fin|opContinue, helloOf("1500")[20:])), 1500 * time.Millisecond, ""},
	{"16-bit length", input(frame(textFrame, strings.Replace(helloOf("2000"), "}", `,"_trace":"`+strings.Repeat("x", 300)+`"}`, 1))), 2 * time.Second, ""},
	{"64-bit length", input(append([]byte{textFrame, 127, 0, 0, 0, 0, 0, 0, 0, byte(len(helloOf("3000")))}, helloOf("3000")...)), 3 * time.Second, ""},
	{"HTTP/1.0, no reason", []byte("HTTP/1.0 101\r\n\r\n" + string(frame(textFrame, helloOf("4000")))), 4 * time.Second, ""},

	{"refused", []byte("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"), 0, "not a websocket upgrade"},
	{"masked", input(append([]byte{textFrame, 0x80 | byte(len(helloOf("1000"))), 0, 0, 0, 0}, helloOf("1000")...)), 0, "framing"},
	{"compressed frame (RSV1)", input(frame(textFrame|0x40, helloOf("1000"))), 0, "framing"},
	{"reserved opcode", input(frame(fin|0x3, helloOf("1000"))), 0, "framing"},
	{"continuation first", input(frame(fin|opContinue, helloOf("1000"))), 0, "framing"},
	{"a message inside a message", input(frame(opText, "{"), frame(textFrame, helloOf("1000"))), 0, "framing"},
	{"closed", input(frame(fin|opClose, "\x03\xe8")), 0, "closed"},
	{"a dispatch", input(frame(textFrame, `{"op":0,"s":1,"t":"READY","d":{"heartbeat_interval":1000}}`)), 0, "not a hello"},
	{"not JSON", input(frame(textFrame, "hello")), 0, "not a hello"},
	{"not zlib", input(frame(binaryFrame, helloOf("1000"))), 0, "not a hello"},
	{"zlib, too long inflated", input(frame(binaryFrame, zlibbed(helloOf("1000")+strings.Repeat(" ", discord.HelloLimit)))), 0, "not a hello"},
	{"interval a string", input(frame(textFrame, helloOf(`"1000"`))), 0, "not a hello"},
	{"interval fractional", input(frame(textFrame, helloOf("1000.5"))), 0, "not a hello"},
	{"interval missing", input(frame(textFrame, `{"op":10,"d":{}}`)), 0, "out of range"},
	{"interval zero", input(frame(textFrame, helloOf("0"))), 0, "out of range"},
	{"interval negative", input(frame(textFrame, helloOf("-1000"))), 0, "out of range"},
	{"interval beyond a day", input(frame(textFrame, helloOf("86400001"))), 0, "out of range"},
	{"frame too long", input([]byte{textFrame, 127, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), 0, "too long"},
}

// TestReadHello: the interval comes from the first message, text or zlib binary, however it is
// framed; anything unexpected gives none, and why.
func TestReadHello(t *testing.T) {
	for _, tc := range helloCases {
		t.Run(tc.name, func(t *testing.T) {
			interval, err := discord.ReadHello(tc.in)
			if interval != tc.interval || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ReadHello = %s, %v; want %s, %q", interval, err, tc.interval, tc.err)
			}
			for _, secret := range []string{"SECRET", "gateway-prd"} {
				if err != nil && strings.Contains(err.Error(), secret) {
					t.Errorf("the error quotes what came: %v", err)
				}
			}
			if tc.err != "" {
				return
			}
			// Cut short anywhere, a hello is not all in yet.
			for n := range len(tc.in) {
				if _, err := discord.ReadHello(tc.in[:n]); err == nil || !strings.Contains(err.Error(), "not all in") {
					t.Fatalf("ReadHello of the first %d bytes: %v; want not all in", n, err)
				}
			}
		})
	}
}

// A chunked is a connection whose reads return the parts, one at a time.
type chunked struct {
	net.Conn
	parts [][]byte
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.parts[0])
	if c.parts[0] = c.parts[0][n:]; len(c.parts[0]) == 0 {
		c.parts = c.parts[1:]
	}
	return n, nil
}

// readThrough reads in through a watched connection, cut into parts at cuts; it returns what
// came through and what was heard, once or not at all.
func readThrough(tb testing.TB, in []byte, cuts ...int) (out []byte, heard []string) {
	tb.Helper()
	var parts [][]byte
	at := 0
	for _, c := range cuts {
		parts = append(parts, in[at:c])
		at = c
	}
	parts = append(parts, in[at:])
	c := discord.WatchHello(&chunked{parts: parts}, func(d time.Duration, err error) {
		heard = append(heard, fmt.Sprint(d, err))
	})
	out, err := io.ReadAll(c)
	if err != nil {
		tb.Fatal(err)
	}
	if len(heard) > 1 {
		tb.Fatalf("heard %d times: %q", len(heard), heard)
	}
	return out, heard
}

// TestWatchHello: a watched connection passes every byte through as it came, and hears the same
// whether the input comes whole, in two reads cut anywhere, or a byte at a time; and whatever
// it is, only once.
func TestWatchHello(t *testing.T) {
	for _, tc := range helloCases {
		t.Run(tc.name, func(t *testing.T) {
			in := append(tc.in, frame(textFrame, `{"op":0,"t":"READY"}`)...)
			out, whole := readThrough(t, in)
			if !bytes.Equal(out, in) {
				t.Fatal("the bytes read differ from those sent")
			}
			if len(whole) != 1 {
				t.Fatalf("heard %q; want once", whole)
			}
			for n := 1; n < len(in); n++ {
				if _, heard := readThrough(t, in, n); len(heard) != 1 || heard[0] != whole[0] {
					t.Fatalf("cut at %d: heard %q; want %q", n, heard, whole)
				}
			}
			var bytewise []int
			for n := 1; n < len(in); n++ {
				bytewise = append(bytewise, n)
			}
			if _, heard := readThrough(t, in, bytewise...); len(heard) != 1 || heard[0] != whole[0] {
				t.Fatalf("a byte at a time: heard %q; want %q", heard, whole)
			}
		})
	}
	t.Run("endless headers", func(t *testing.T) {
		in := []byte("HTTP/1.1 101 Switching Protocols\r\n" + strings.Repeat("X-Pad: 0123456789\r\n", discord.HelloLimit/19+1))
		out, heard := readThrough(t, in)
		if !bytes.Equal(out, in) || len(heard) != 1 || !strings.Contains(heard[0], "too long") {
			t.Errorf("heard %q", heard)
		}
	})
}

// FuzzWatchHello: whatever comes, a watched connection passes it through unchanged, never
// panics, hears at most once, and hears the same however the input is cut.
func FuzzWatchHello(f *testing.F) {
	for _, tc := range helloCases {
		f.Add(tc.in, uint16(len(tc.in)/2), uint16(len(tc.in)/3))
	}
	f.Fuzz(func(t *testing.T, in []byte, a, b uint16) {
		out, whole := readThrough(t, in)
		if !bytes.Equal(out, in) {
			t.Fatal("the bytes read differ from those sent")
		}
		i, j := min(int(a), len(in)), min(int(b), len(in))
		if _, cut := readThrough(t, in, min(i, j), max(i, j)); fmt.Sprint(cut) != fmt.Sprint(whole) {
			t.Fatalf("cut at %d and %d: heard %q; whole, %q", i, j, cut, whole)
		}
	})
}

// helloServer is a gateway over TLS that says hello with a 1234 ms interval, and then nothing.
func helloServer(tb testing.TB) *httptest.Server {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.WriteMessage(websocket.TextMessage, []byte(helloOf("1234")))
		c.ReadMessage()
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// dialHello dials the gateway at srv with d, reads its hello as discordgo would, and returns
// what the watched connection heard.
func dialHello(t *testing.T, d *websocket.Dialer, srv *httptest.Server, heard chan string) string {
	t.Helper()
	d.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig
	c, _, err := d.Dial("wss://"+srv.Listener.Addr().String()+"/gateway-ws/?v=10&encoding=json", nil)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer c.Close()
	if _, msg, err := c.ReadMessage(); err != nil || string(msg) != helloOf("1234") {
		t.Fatalf("ReadMessage = %q, %v; want the hello as sent", msg, err)
	}
	select {
	case h := <-heard:
		return h
	default:
		t.Fatal("the hello read through, unheard")
		return ""
	}
}

func watchInto(heard chan string) func(net.Conn) net.Conn {
	return func(c net.Conn) net.Conn {
		return discord.WatchHello(c, func(d time.Duration, err error) { heard <- fmt.Sprint(d, err) })
	}
}

func noProxy(*http.Request) (*url.URL, error) { return nil, nil }

// TestGatewayDialerTLS: over wss, the dialer does the TLS itself, so that the hello is read.
func TestGatewayDialerTLS(t *testing.T) {
	heard := make(chan string, 1)
	d, reads := discord.GatewayDialer(noProxy, watchInto(heard))
	if !reads {
		t.Fatal("no proxy, yet the dialer does not read hellos")
	}
	if h := dialHello(t, d, helloServer(t), heard); h != "1.234s <nil>" {
		t.Errorf("heard %q; want 1.234s", h)
	}
}

// TestGatewayDialerProxy: with an http proxy for the gateway, the dialer asks it for a tunnel,
// with the proxy's credentials, and reads the hello inside TLS through it.
func TestGatewayDialerProxy(t *testing.T) {
	gateway := helloServer(t)
	var mu sync.Mutex
	var asked []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.Method+" "+r.Host+" "+r.Header.Get("Proxy-Authorization"))
		mu.Unlock()
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		up, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer up.Close()
		w.WriteHeader(http.StatusOK)
		down, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer down.Close()
		go io.Copy(up, buf)
		io.Copy(down, up)
	}))
	t.Cleanup(proxy.Close)
	via, _ := url.Parse(proxy.URL)
	via.User = url.UserPassword("briefbot", "pw")

	heard := make(chan string, 1)
	d, reads := discord.GatewayDialer(func(r *http.Request) (*url.URL, error) {
		if r.URL.Scheme != "https" {
			t.Errorf("proxy asked for %s", r.URL)
		}
		return via, nil
	}, watchInto(heard))
	if !reads {
		t.Fatal("an http proxy, yet the dialer does not read hellos")
	}
	if h := dialHello(t, d, gateway, heard); h != "1.234s <nil>" {
		t.Errorf("heard %q; want 1.234s", h)
	}
	mu.Lock()
	defer mu.Unlock()
	want := "CONNECT " + gateway.Listener.Addr().String() + " Basic " + base64.StdEncoding.EncodeToString([]byte("briefbot:pw"))
	if len(asked) != 1 || asked[0] != want {
		t.Errorf("the proxy was asked %q; want %q", asked, want)
	}
}

// TestGatewayDialerSocks: with a proxy of another kind, the gateway keeps gorilla's own dialer,
// which reaches it, and hellos go unread.
func TestGatewayDialerSocks(t *testing.T) {
	socks, _ := url.Parse("socks5://127.0.0.1:1080")
	d, reads := discord.GatewayDialer(func(*http.Request) (*url.URL, error) { return socks, nil }, watchInto(make(chan string, 1)))
	if reads || d.Proxy == nil || d.NetDialContext != nil || d.NetDialTLSContext != nil || d.HandshakeTimeout == 0 {
		t.Errorf("dialer %+v, reads %t; want gorilla's, with the proxy and a handshake timeout", d, reads)
	}
}

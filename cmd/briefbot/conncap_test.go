package main

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"testing"
	"time"
)

// testConnLimit is the connection limit of the servers these tests start: small, so that a test
// reaches it with a few connections.
const testConnLimit = 16

// hangBound bounds every wait on the server, so that a test that would hang fails instead. It is
// readHeaderTimeout: the longest a connection that sends nothing keeps its place by itself.
const hangBound = readHeaderTimeout

// cappedServer serves h on a loopback port, bounded as serve bounds its server but with at most
// limit connections, until the test ends, and returns its address.
func cappedServer(t *testing.T, h http.Handler, limit int) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, capped := boundedServer(ln, h, limit)
	go srv.Serve(capped)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// healthOnly is briefbot's server with no platform: /healthz answers.
func healthOnly() http.Handler {
	return NewServer(serverDeps{logger: slog.New(slog.DiscardHandler)})
}

// A rawConn is a client connection that sends requests one at a time and keeps the connection
// open after each answer, as Discord's and Slack's clients do.
type rawConn struct {
	net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *rawConn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return &rawConn{Conn: conn, r: bufio.NewReader(conn)}
}

// send writes a GET of path without waiting for the answer.
func (c *rawConn) send(path string) error {
	_, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: briefbot\r\n\r\n")
	return err
}

// answer reads the answer to the request sent last: its status and body.
func (c *rawConn) answer() (int, string, error) {
	c.SetReadDeadline(time.Now().Add(hangBound))
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// get sends a GET of path and reads its answer; the connection stays open.
func (c *rawConn) get(path string) (int, error) {
	if err := c.send(path); err != nil {
		return 0, err
	}
	status, _, err := c.answer()
	return status, err
}

// keepAlives opens n connections that each have one /healthz answered and then stay silent.
func keepAlives(t *testing.T, addr string, n int) []*rawConn {
	t.Helper()
	conns := make([]*rawConn, n)
	for i := range conns {
		conns[i] = dial(t, addr)
		if status, err := conns[i].get("/healthz"); err != nil || status != http.StatusOK {
			t.Fatalf("keep-alive %d: GET /healthz = %d, %v; want 200", i, status, err)
		}
	}
	return conns
}

// closedByServer reports whether the server has closed c, waiting at most hangBound: a read
// that ends in EOF or a reset rather than its deadline.
func closedByServer(c *rawConn) bool {
	c.SetReadDeadline(time.Now().Add(hangBound))
	_, err := c.r.ReadByte()
	return err != nil && !errors.Is(err, os.ErrDeadlineExceeded)
}

// TestConnLimitEvictsIdle: with every place held by a keep-alive connection that had its answer
// and stays silent, a new connection's /healthz is answered, in the place of the connection
// idle longest; the others stay open and usable.
func TestConnLimitEvictsIdle(t *testing.T) {
	addr := cappedServer(t, healthOnly(), testConnLimit)
	idle := keepAlives(t, addr, testConnLimit)
	// Every connection but the first is used again, so that the first is idle longest.
	for i, c := range idle[1:] {
		if status, err := c.get("/healthz"); err != nil || status != http.StatusOK {
			t.Fatalf("keep-alive %d again: GET /healthz = %d, %v; want 200", i+1, status, err)
		}
	}
	if status, err := dial(t, addr).get("/healthz"); err != nil || status != http.StatusOK {
		t.Fatalf("a new connection with %d idle ones open: GET /healthz = %d, %v; want 200", testConnLimit, status, err)
	}
	if !closedByServer(idle[0]) {
		t.Errorf("the connection idle longest is still open; want it closed to make room")
	}
	last := idle[len(idle)-1]
	if status, err := last.get("/healthz"); err != nil || status != http.StatusOK {
		t.Errorf("the connection idle shortest, used again: GET /healthz = %d, %v; want 200", status, err)
	}
}

// TestConnLimitSilentConnections: with every place held by a connection that has sent nothing,
// or part of a header, and keeps quiet (a slowloris), a prober's /healthz is answered at once,
// in the place of the oldest of them, without waiting for any to time out.
func TestConnLimitSilentConnections(t *testing.T) {
	for _, tc := range []struct {
		name string
		sent string // what each silent connection sends before it keeps quiet
	}{
		{"nothing sent", ""},
		{"half a header", "POST /discord/interactions HTTP/1.1\r\nHost: briefbot\r\nX-Filler: aaaa"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := cappedServer(t, healthOnly(), testConnLimit)
			silent := make([]*rawConn, testConnLimit)
			for i := range silent {
				silent[i] = dial(t, addr)
				if _, err := io.WriteString(silent[i], tc.sent); err != nil {
					t.Fatalf("silent connection %d: %v", i, err)
				}
			}
			if status, err := dial(t, addr).get("/healthz"); err != nil || status != http.StatusOK {
				t.Fatalf("a prober with %d silent connections open: GET /healthz = %d, %v; want 200", testConnLimit, status, err)
			}
			if !closedByServer(silent[0]) {
				t.Errorf("the oldest silent connection is still open; want it closed to make room")
			}
		})
	}
}

// An answer is what a request got: its status and body, or what went wrong.
type answer struct {
	status int
	body   string
	err    error
}

// ask sends a GET of path and reads its answer in the background.
func (c *rawConn) ask(path string) <-chan answer {
	answered := make(chan answer, 1)
	if err := c.send(path); err != nil {
		answered <- answer{err: err}
		return answered
	}
	go func() {
		status, body, err := c.answer()
		answered <- answer{status, body, err}
	}()
	return answered
}

// TestConnLimitKeepsRequestsInProgress: connections with a request in progress are never closed
// to make room. Idle ones give way to newcomers; once every place holds a request in progress,
// a newcomer is answered 503 at once; and every request in progress is answered in the end.
func TestConnLimitKeepsRequestsInProgress(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.Handle("/", healthOnly())
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-release
		io.WriteString(w, "done")
	})
	addr := cappedServer(t, mux, testConnLimit)

	// startSlow opens a connection and starts a request on it that runs until release. A
	// connection counts as idle only a moment after its answer is written, so a newcomer just
	// after may find no place yet: refused, it tries again, as a client told Retry-After does.
	var slow []<-chan answer
	startSlow := func() {
		t.Helper()
		deadline := time.After(hangBound)
		for {
			answered := dial(t, addr).ask("/slow")
			select {
			case <-started:
				slow = append(slow, answered)
				return
			case a := <-answered:
				if a.err == nil && a.status != http.StatusServiceUnavailable {
					t.Fatalf("slow request %d: %d %q; want it to run", len(slow), a.status, a.body)
				}
				time.Sleep(10 * time.Millisecond)
			case <-deadline:
				t.Fatalf("slow request %d not started", len(slow))
			}
		}
	}
	const busy = testConnLimit * 3 / 4
	for range busy {
		startSlow()
	}
	keepAlives(t, addr, testConnLimit-busy)
	for i := range 2 * testConnLimit {
		if status, err := dial(t, addr).get("/healthz"); err != nil || status != http.StatusOK {
			t.Fatalf("prober %d with %d requests in progress: GET /healthz = %d, %v; want 200", i, busy, status, err)
		}
	}
	for range testConnLimit - busy {
		startSlow()
	}

	// Every place holds a request in progress: the newcomer is refused before it sends anything.
	if status, body, err := dial(t, addr).answer(); err != nil || status != http.StatusServiceUnavailable {
		t.Errorf("a newcomer with every place in progress: %d %q, %v; want 503", status, body, err)
	}
	close(release)
	for i, answered := range slow {
		select {
		case a := <-answered:
			if a.err != nil || a.status != http.StatusOK || a.body != "done" {
				t.Errorf("slow request %d: %d %q, %v; want 200 done", i, a.status, a.body, a.err)
			}
		case <-time.After(hangBound):
			t.Fatalf("slow request %d not answered", i)
		}
	}
}

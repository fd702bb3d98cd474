package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	idleConnections = 1100 // more than serve's cap of 1,024
	lorisPerProcess = 200
	probes          = 20
)

// connectionFlood: more idle keep-alives than serve takes, and a slowloris reconnecting as fast
// as it is closed, must not keep a probe from its answer.
func connectionFlood(ctx context.Context, w *world) result {
	// The Discord endpoint, so that a probe of it is answered (401, unsigned) rather than 404.
	p, _, err := w.serve("connections", `discord: {application_id: "123456789012345678", public_key: "`+strings.Repeat("ab", 32)+`"}`+"\n")
	if err != nil {
		return broke("%v", err)
	}
	defer p.kill()

	idle, kept := holdIdle(p.addr, idleConnections)
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	// The slowloris runs in a process of its own, as an attacker does, so that it does not
	// starve this one's probes of the CPU.
	loris := exec.CommandContext(ctx, os.Args[0], "--role", "slowloris", "--addr", p.addr, "--conns", strconv.Itoa(lorisPerProcess))
	if err := loris.Start(); err != nil {
		return broke("slowloris: %v", err)
	}
	defer func() { loris.Process.Signal(os.Interrupt); loris.Wait() }()
	time.Sleep(2 * time.Second)

	var times []time.Duration
	var refusals []string
	paths := []string{"GET /healthz", "GET /readyz", "POST /discord/interactions"}
	for i := range probes {
		method, path, _ := strings.Cut(paths[i%len(paths)], " ")
		took, status, body, err := probe(p.addr, method, path)
		switch {
		case err != nil:
			refusals = append(refusals, fmt.Sprintf("%s %s: %v", method, path, err))
		case status == http.StatusServiceUnavailable && (path != "/readyz" || strings.HasPrefix(body, "busy")):
			refusals = append(refusals, fmt.Sprintf("%s %s: 503 %s", method, path, strings.TrimSpace(body)))
		default:
			times = append(times, took)
		}
		time.Sleep(250 * time.Millisecond)
	}
	closed := 0
	for _, c := range idle {
		c.SetReadDeadline(time.Now().Add(time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err != nil && !isTimeout(err) {
			closed++
		}
	}
	if len(refusals) > 0 {
		return broke("%d of %d probes not answered (%s); %d of %d idle connections were kept, peak RSS %.0f MiB",
			len(refusals), probes, strings.Join(refusals, "; "), kept, idleConnections, p.peakRSS())
	}
	slices.Sort(times)
	return held("%d of %d probes answered, median %s, max %s; %d idle keep-alives held, %d closed to make room; peak RSS %.0f MiB",
		len(times), probes, times[len(times)/2].Round(100*time.Microsecond), times[len(times)-1].Round(100*time.Microsecond),
		kept, closed, p.peakRSS())
}

// holdIdle opens n keep-alive connections that each ask for /healthz once and then say nothing,
// and returns those that were answered.
func holdIdle(addr string, n int) ([]net.Conn, int) {
	var mu sync.Mutex
	var held []net.Conn
	var wg sync.WaitGroup
	room := make(chan struct{}, 64)
	for range n {
		wg.Add(1)
		room <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-room }()
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				return
			}
			io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: chaos\r\n\r\n")
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil || resp.StatusCode != http.StatusOK {
				c.Close()
				return
			}
			io.Copy(io.Discard, resp.Body)
			c.SetReadDeadline(time.Time{})
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return held, len(held)
}

// probe asks once on a new connection, as a load balancer's health check does.
func probe(addr, method, path string) (time.Duration, int, string, error) {
	start := time.Now()
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return 0, 0, "", err
	}
	defer c.Close()
	fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: chaos\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", method, path)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, 0, "", err
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return time.Since(start), resp.StatusCode, string(body), nil
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// slowloris keeps n connections sending half a header, each reconnecting as soon as the server
// closes it, until interrupted.
func slowloris(ctx context.Context, addr string, n int) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	var made atomic.Int64
	for range n {
		go func() {
			for ctx.Err() == nil {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					time.Sleep(10 * time.Millisecond)
					continue
				}
				made.Add(1)
				io.WriteString(c, "POST /discord/interactions HTTP/1.1\r\nHost: chaos\r\nX-Filler: aaa")
				io.Copy(io.Discard, c) // until the server closes it
				c.Close()
			}
		}()
	}
	<-ctx.Done()
	return nil
}

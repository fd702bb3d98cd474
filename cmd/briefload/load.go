package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// maxAnswer bounds how much of an answer is read and checked; the rest is discarded.
const maxAnswer = 1 << 20

// A tally is what one worker saw; workers keep their own and they are merged at the end, so that
// recording costs no lock on the hot path.
type tally struct {
	latencies []time.Duration // of the requests answered as expected
	sent      []int64         // by target
	ok        []int64         // by target
	errors    map[string]int64
}

func newTally(targets int) *tally {
	return &tally{sent: make([]int64, targets), ok: make([]int64, targets), errors: map[string]int64{}}
}

func (t *tally) merge(o *tally) {
	t.latencies = append(t.latencies, o.latencies...)
	for i := range t.sent {
		t.sent[i] += o.sent[i]
		t.ok[i] += o.ok[i]
	}
	for k, n := range o.errors {
		t.errors[k] += n
	}
}

// result is a finished run.
type result struct {
	plan    *plan
	elapsed time.Duration
	*tally
}

func (r *result) total() int64 {
	var n int64
	for _, s := range r.sent {
		n += s
	}
	return n
}

func (r *result) failed() int64 {
	var n int64
	for _, e := range r.errors {
		n += e
	}
	return n
}

// load sends the plan's requests until a bound is reached or ctx ends, and waits for the answers
// of those already sent.
func load(ctx context.Context, o *options, p *plan) *result {
	client := newClient(o)
	defer client.CloseIdleConnections()
	ids := firstInteractionID(time.Now())
	pre := presign(o, p, ids)

	// Sending stops at the first of: ctx, the duration, the request count. Requests already sent
	// are not cancelled; their own timeout bounds them.
	if o.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}
	var next atomic.Int64
	claim := func() (int64, bool) {
		if ctx.Err() != nil {
			return 0, false
		}
		i := next.Add(1) - 1
		return i, o.requests == 0 || i < o.requests
	}

	// In a closed loop each worker sends its next request when the last is answered. At a fixed
	// rate a pacer hands out due times, and a worker that takes one late still counts from the due
	// time: a slow answer then shows in the latency of every request queued behind it instead of
	// silently lowering the rate (coordinated omission).
	var due chan ticket
	if o.rate > 0 {
		due = make(chan ticket, o.concurrency)
		go pace(ctx, o.rate, claim, due)
	}
	tallies := make([]*tally, o.concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range tallies {
		t := newTally(len(p.targets))
		tallies[w] = t
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var tk ticket
				if due != nil {
					var ok bool
					if tk, ok = <-due; !ok {
						return
					}
				} else {
					var ok bool
					if tk.i, ok = claim(); !ok {
						return
					}
				}
				idx := p.order[tk.i%int64(len(p.order))]
				var req prepared
				if tk.i < int64(len(pre)) && pre[tk.i].body != nil && time.Since(pre[tk.i].at) < presignedFor {
					req, pre[tk.i] = pre[tk.i], prepared{}
				} else {
					req = p.targets[idx].prepare(ids+uint64(tk.i), time.Now())
				}
				if due == nil {
					// A closed loop times the exchange alone; signing is the generator's work.
					tk.at = time.Now()
				}
				send(client, p, idx, req, tk.at, t)
			}
		}()
	}
	wg.Wait()
	res := &result{plan: p, elapsed: time.Since(start), tally: newTally(len(p.targets))}
	for _, t := range tallies {
		res.merge(t)
	}
	return res
}

// Requests with an id of their own are signed before the clock starts when the run is bounded by
// a count: an Ed25519 signature costs about half what the server's verification does, and on a
// machine the generator shares with the server, signing during the run would take that from the
// server under test. presignMax bounds the memory (about 1 KB a request), presignedFor how old a
// signature may be when sent (briefbot refuses one over 5 minutes old).
const (
	presignMax   = 100_000
	presignedFor = time.Minute
)

// presign prepares the first requests of the run that need a signature of their own, on every
// core. Beyond what fits, or what a fixed rate would send after presignedFor, requests are signed
// as they go.
func presign(o *options, p *plan, ids uint64) []prepared {
	n := min(o.requests, presignMax)
	if o.rate > 0 {
		n = min(n, int64(o.rate*presignedFor.Seconds()))
	}
	unique := false
	for _, t := range p.targets {
		unique = unique || t.unique
	}
	if n <= 0 || !unique {
		return nil
	}
	pre := make([]prepared, n)
	now := time.Now()
	var wg sync.WaitGroup
	workers := int64(runtime.GOMAXPROCS(0))
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				if t := p.targets[p.order[i%int64(len(p.order))]]; t.unique {
					pre[i] = t.prepare(ids+uint64(i), now)
				}
			}
		})
	}
	wg.Wait()
	return pre
}

// A ticket is one request to send: its place in the plan and when it was due.
type ticket struct {
	i  int64
	at time.Time
}

// pace sends due times at rate until claim says stop. Due times are computed from the start, not
// from when the last one went out, so a pacer that falls behind catches up instead of drifting.
func pace(ctx context.Context, rate float64, claim func() (int64, bool), due chan<- ticket) {
	defer close(due)
	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		i, ok := claim()
		if !ok {
			return
		}
		at := start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
		if end, ok := ctx.Deadline(); ok && !at.Before(end) {
			return // due after the run's duration
		}
		if wait := time.Until(at); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				return
			}
		}
		select {
		case due <- ticket{i, at}:
		case <-ctx.Done():
			return
		}
	}
}

// send makes one request to the plan's target idx and records it in t, timed from from.
func send(client *http.Client, p *plan, idx int, pr prepared, from time.Time, t *tally) {
	tg := p.targets[idx]
	t.sent[idx]++
	req, err := http.NewRequest(http.MethodPost, tg.url, bytes.NewReader(pr.body))
	if err != nil {
		t.errors["request: "+err.Error()]++
		return
	}
	req.Header = pr.header
	resp, err := client.Do(req)
	if err != nil {
		t.errors[transportKind(err)]++
		return
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	latency := time.Since(from)
	if err != nil {
		t.errors[transportKind(err)]++
		return
	}
	if problem := tg.check(resp.StatusCode, body); problem != "" {
		t.errors[problem]++
		return
	}
	t.ok[idx]++
	t.latencies = append(t.latencies, latency)
}

// check says what is wrong with an answer, or "" when it is the one expected: the refusal for a
// bad signature or an oversized body, else 200 with a well-formed answer of the right type.
func (tg *target) check(status int, body []byte) string {
	want := http.StatusOK
	if tg.kind.refusal != 0 {
		want = tg.kind.refusal
	}
	if status != want {
		if want == http.StatusOK {
			return fmt.Sprintf("status %d", status)
		}
		return fmt.Sprintf("status %d (want %d for %s)", status, want, tg.kind.name)
	}
	if want != http.StatusOK {
		return ""
	}
	if tg.platform == "slack" {
		var m struct {
			Text   string            `json:"text"`
			Blocks []json.RawMessage `json:"blocks"`
		}
		if err := json.Unmarshal(body, &m); err != nil {
			return "unexpected body: not JSON"
		}
		if m.Text == "" && len(m.Blocks) == 0 {
			return "unexpected body: no text or blocks"
		}
		return ""
	}
	var r struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return "unexpected body: not JSON"
	}
	switch {
	case tg.kind.discord == 1 && r.Type == 1,
		tg.kind.discord == 4 && r.Type == 8,
		tg.kind.discord == 2 && (r.Type == 4 && len(r.Data) > 0 || r.Type == 5):
		return ""
	}
	return fmt.Sprintf("unexpected body: response type %d to %s", r.Type, tg.kind.name)
}

// transportKind names a failure to get an answer at all, by kind rather than by message, so that
// a thousand refused connections count as one line.
func transportKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, errNotLoopback):
		return "transport: address not on loopback"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return "transport: timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "transport: connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "transport: connection reset"
	case errors.Is(err, syscall.EPIPE):
		return "transport: broken pipe"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "transport: connection closed before the answer"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL is the same for every request
	}
	return "transport: " + err.Error()
}

var errNotLoopback = errors.New("address is not on loopback")

// newClient is one client for the run, with a connection per worker kept alive, no proxy, no
// redirects (a 3xx is an answer to count, not a place to go) and, unless remote targets are
// allowed, a dialer that refuses any address off loopback whatever a name resolved to.
func newClient(o *options) *http.Client {
	dialer := &net.Dialer{Timeout: o.timeout}
	if !o.allowRemote {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
				return errNotLoopback
			}
			return nil
		}
	}
	return &http.Client{
		Timeout: o.timeout,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         dialer.DialContext,
			MaxIdleConns:        o.concurrency,
			MaxIdleConnsPerHost: o.concurrency,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

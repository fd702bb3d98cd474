// Package recent remembers the requests answered lately, in bounded memory, so that a signed
// request captured and sent again (a proxy's log, a leaked trace) is answered once only. Both
// adapters use it; it imports nothing of briefbot's.
package recent

import (
	"hash/maphash"
	"sync"
	"time"
)

// A Set remembers keys in two generations: new keys go into the current one; when it is a span
// old or holds its limit, it becomes the previous one and the old previous is dropped. A key is
// therefore remembered for at least a span (or limit later keys), and memory never holds more
// than two generations. Keys are kept as 64-bit hashes with a per-set seed: fixed size whatever
// the sender put in the key, and a collision (about 1 in 2^48 at the limit) costs one refused
// request, never a repeated one.
type Set struct {
	mu        sync.Mutex
	seed      maphash.Seed
	span      time.Duration
	limit     int
	since     time.Time // when cur began
	cur, prev map[uint64]struct{}
}

// New is a set that remembers each key for span, holding at most limit keys a generation.
func New(span time.Duration, limit int) *Set {
	return &Set{seed: maphash.MakeSeed(), span: span, limit: limit, cur: map[uint64]struct{}{}}
}

// First reports whether key was not seen within the span, and remembers it.
func (r *Set) First(key string, now time.Time) bool {
	h := maphash.String(r.seed, key)
	r.mu.Lock()
	defer r.mu.Unlock()
	switch age := now.Sub(r.since); {
	case age >= 2*r.span:
		r.prev, r.cur, r.since = nil, map[uint64]struct{}{}, now
	case age >= r.span || len(r.cur) >= r.limit:
		r.prev, r.cur, r.since = r.cur, map[uint64]struct{}{}, now
	}
	if _, ok := r.cur[h]; ok {
		return false
	}
	if _, ok := r.prev[h]; ok {
		return false
	}
	r.cur[h] = struct{}{}
	return true
}

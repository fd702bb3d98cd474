package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// unwritableLedger: the SQLite ledger's files are made immutable (chattr +i, which holds even
// for root, as a read-only mount does), then writable again. Readiness must say the store is
// down while it cannot take a claim, and up again, with the store reopened, once it can.
func unwritableLedger(_ context.Context, w *world) result {
	if _, err := exec.LookPath("chattr"); err != nil {
		return skipped("no chattr on this machine")
	}
	p, dir, err := w.serve("store", "")
	if err != nil {
		return broke("%v", err)
	}
	defer p.kill()
	if !waitFor(10*time.Second, func() bool { s, _ := p.ready(); return s == http.StatusOK }) {
		_, body := p.ready()
		return broke("never ready: %s", body)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "ledger.db*"))
	chattr := func(flag string) error {
		out, err := exec.Command("chattr", append([]string{flag}, files...)...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("chattr %s: %v: %s", flag, err, out)
		}
		return nil
	}
	if err := chattr("+i"); err != nil {
		return skipped("%v", err) // a file system without the flag
	}
	defer chattr("-i")

	start := time.Now()
	down := waitFor(60*time.Second, func() bool {
		s, body := p.ready()
		return s == http.StatusServiceUnavailable && strings.Contains(body, "store")
	})
	toDown := time.Since(start)
	if !down {
		_, body := p.ready()
		return broke("still %s 60 s after the ledger stopped taking writes", body)
	}
	if err := chattr("-i"); err != nil {
		return broke("%v", err)
	}
	start = time.Now()
	up := waitFor(60*time.Second, func() bool { s, _ := p.ready(); return s == http.StatusOK })
	toUp := time.Since(start)
	if !up {
		_, body := p.ready()
		return broke("not ready 60 s after the ledger took writes again: %s", body)
	}
	reopened := strings.Contains(p.log.String(), "reopen")
	if !reopened {
		return broke("ready again, but the log does not say the store was reopened")
	}
	os.Remove(filepath.Join(dir, "ledger.db")) // nothing to keep
	return held("/readyz 503 %s after the fault, 200 again %s after it cleared, store reopened; peak RSS %.0f MiB",
		toDown.Round(10*time.Millisecond), toUp.Round(10*time.Millisecond), p.peakRSS())
}

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// answerWithin is how long config check may take on any folder before the check calls it hung.
const answerWithin = 10 * time.Second

// fifoConfigCheck: config check on a folder holding a named pipe answers at once, naming it.
func fifoConfigCheck(_ context.Context, w *world) result {
	dir, err := w.folder("fifo-check")
	if err != nil {
		return broke("%v", err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "briefings", "pipe.md"), 0o644); err != nil {
		return skipped("mkfifo: %v", err)
	}
	return configCheckRefuses(w, dir, "pipe.md", 64)
}

// devZeroConfigCheck: a briefing linked to /dev/zero is refused without being read.
func devZeroConfigCheck(_ context.Context, w *world) result {
	dir, err := w.folder("zero-check")
	if err != nil {
		return broke("%v", err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "briefings", "zero.md")); err != nil {
		return skipped("symlink: %v", err)
	}
	return configCheckRefuses(w, dir, "zero.md", 64)
}

// configCheckRefuses runs config check on dir's config and expects a refusal naming file within
// answerWithin, in at most maxMiB of memory.
func configCheckRefuses(w *world, dir, file string, maxMiB float64) result {
	cfg, err := config(dir, "")
	if err != nil {
		return broke("%v", err)
	}
	start := time.Now()
	p, err := w.start("config", "check", cfg)
	if err != nil {
		return broke("%v", err)
	}
	if !p.wait(answerWithin) {
		rss := p.peakRSS()
		p.kill()
		return broke("no answer within %s (%.0f MiB and counting)", answerWithin, rss)
	}
	took, rss := time.Since(start), p.peakRSS()
	switch {
	case p.exitCode() != 1 || !strings.Contains(p.log.String(), file):
		return broke("exit %d without naming %s:\n%s", p.exitCode(), file, p.log.String())
	case rss > maxMiB:
		return broke("refused, but peak RSS %.0f MiB (at most %.0f)", rss, maxMiB)
	}
	return held("refused in %s naming %s, peak RSS %.0f MiB", took.Round(time.Millisecond), file, rss)
}

// fifoReloadThenStop: a named pipe appears in a running serve's folder and a reload is asked
// for; the reload refuses it, and SIGTERM still drains the process at once.
func fifoReloadThenStop(_ context.Context, w *world) result {
	p, dir, err := w.serve("fifo-serve", "")
	if err != nil {
		return broke("%v", err)
	}
	defer p.kill()
	if err := syscall.Mkfifo(filepath.Join(dir, "briefings", "pipe.md"), 0o644); err != nil {
		return skipped("mkfifo: %v", err)
	}
	p.signal(syscall.SIGHUP)
	refused := waitFor(5*time.Second, func() bool { return strings.Contains(p.log.String(), "pipe.md") })
	start := time.Now()
	p.signal(syscall.SIGTERM)
	if !p.wait(15 * time.Second) {
		return broke("still running 15 s after SIGTERM (draining logged: %v)", strings.Contains(p.log.String(), `"draining"`))
	}
	stopped := time.Since(start)
	if !refused {
		return broke("the reload never named pipe.md:\n%s", p.log.String())
	}
	return held("reload refused pipe.md; stopped %s after SIGTERM, exit %d, peak RSS %.0f MiB",
		stopped.Round(time.Millisecond), p.exitCode(), p.peakRSS())
}

// waitFor polls ok until it holds or d passes.
func waitFor(d time.Duration, ok func() bool) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return true
		}
	}
	return ok()
}

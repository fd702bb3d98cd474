//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"briefbot/briefings"
)

// Files in a briefings folder, and the config file itself, are whatever someone put there: a
// named pipe, a link to a device, a file of any size. These tests hold briefbot to reading
// only regular files of a bounded size, to naming the place of every problem as the config
// writes it, and to answering a stop signal at once whatever a reload is doing.

// invokeWithin is invoke, failing the test when run has not returned within d: a command that
// hangs fails instead of hanging the suite.
func invokeWithin(t *testing.T, d time.Duration, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	type result struct {
		stdout, stderr string
		code           int
	}
	done := make(chan result, 1)
	go func() {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, func(string) (string, bool) { return "", false }, strings.NewReader(""), &out, &errOut)
		done <- result{out.String(), errOut.String(), exitCode(err, &errOut)}
	}()
	select {
	case r := <-done:
		return r.stdout, r.stderr, r.code
	case <-time.After(d):
		t.Fatalf("run(%q) has not returned after %v", args, d)
		return "", "", 0
	}
}

// namedPipe makes a named pipe at path, and at the end of the test unblocks whatever opened it
// to read, which would otherwise wait for a writer for ever.
func namedPipe(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	t.Cleanup(func() {
		if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
}

// TestConfigCheckRefusesWhatIsNotABriefing: config check answers at once, naming the file or the
// folder as the config writes it, for anything in a briefings folder that is not a regular file
// within the size limit, and for a config file that is not one.
func TestConfigCheckRefusesWhatIsNotABriefing(t *testing.T) {
	const config = "briefings: {dirs: [./briefings]}\n"
	tests := []struct {
		name   string
		make   func(t *testing.T) // in the test's folder, which holds ./briefings/river.md
		config string             // the config file to check, in that folder
		code   int
		want   string // in stderr, or in stdout when the check passes
	}{
		{"a named pipe", func(t *testing.T) { namedPipe(t, "briefings/pipe.md") }, "briefbot.yaml",
			1, "./briefings/pipe.md: is a named pipe, not a regular file"},
		{"a link to a device", func(t *testing.T) { symlinkTo(t, "/dev/null", "briefings/null.md") }, "briefbot.yaml",
			1, "./briefings/null.md: is a device, not a regular file"},
		{"a briefing over the limit", func(t *testing.T) {
			writeFile(t, "briefings", "big.md", extraBriefing+strings.Repeat("x", 2*briefings.MaxFileSize-len(extraBriefing)))
		}, "briefbot.yaml", 1, "./briefings/big.md: is 2 MiB, more than the limit of 1 MiB"},
		{"a link to a briefing in another folder", func(t *testing.T) {
			writeFile(t, "shared", "lake.md", strings.NewReplacer("river-treaty", "lake-treaty", "River", "Lake").Replace(extraBriefing))
			symlinkTo(t, "../shared/lake.md", "briefings/lake.md")
		}, "briefbot.yaml", 0, "lake-treaty: Lake treaty talks"},
		{"a link to nothing", func(t *testing.T) { symlinkTo(t, "nowhere.md", "briefings/gone.md") }, "briefbot.yaml",
			1, "./briefings/gone.md: no such file or directory"},
		{"a missing folder", func(t *testing.T) {
			writeFile(t, ".", "missing.yaml", "briefings: {dirs: [./briefings, ./nowhere]}\n")
		}, "missing.yaml", 1, "briefings folder ./nowhere: no such file or directory"},
		{"a file for a folder", func(t *testing.T) {
			writeFile(t, ".", "plain.yaml", "briefings: {dirs: [./briefbot.yaml]}\n")
		}, "plain.yaml", 1, "briefings folder ./briefbot.yaml: is not a folder"},
		{"a config that is a named pipe", func(t *testing.T) { namedPipe(t, "pipe.yaml") }, "./pipe.yaml",
			1, "read config: ./pipe.yaml: is a named pipe, not a regular file"},
		{"a config over the limit", func(t *testing.T) {
			writeFile(t, ".", "big.yaml", config+strings.Repeat("#", 3*(1<<20)/2))
		}, "./big.yaml", 1, "read config: ./big.yaml: is 1.5 MiB, more than the limit of 1 MiB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			writeFile(t, "briefings", "river.md", extraBriefing)
			writeFile(t, ".", "briefbot.yaml", config)
			tc.make(t)
			start := time.Now()
			stdout, stderr, code := invokeWithin(t, 10*time.Second, "config", "check", tc.config)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
				t.Errorf("config check %s = exit %d\n%s%s\nwant exit %d and %q", tc.config, code, stdout, stderr, tc.code, tc.want)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("config check %s took %v", tc.config, took)
			}
		})
	}

	t.Run("unreadable", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads what its permissions forbid")
		}
		t.Chdir(t.TempDir())
		writeFile(t, "locked", "river.md", extraBriefing)
		writeFile(t, "shut", "river.md", extraBriefing)
		writeFile(t, ".", "briefbot.yaml", "briefings: {dirs: [./locked, ./shut]}\n")
		for _, p := range []string{"locked/river.md", "shut"} {
			if err := os.Chmod(p, 0); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(p, 0o755) })
		}
		_, stderr, code := invokeWithin(t, 10*time.Second, "config", "check", "briefbot.yaml")
		for _, want := range []string{"./locked/river.md: permission denied", "briefings folder ./shut: permission denied"} {
			if code != 1 || !strings.Contains(stderr, want) {
				t.Errorf("config check = exit %d\n%s\nwant %q", code, stderr, want)
			}
		}
	})
}

func symlinkTo(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
}

// TestConfigCheckDoesNotReadDevZero: a briefing linked to /dev/zero is refused without a byte of
// it read. A real process, watched from outside: read, /dev/zero would take all the memory.
func TestConfigCheckDoesNotReadDevZero(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the binary")
	}
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	bin, err := builtBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "briefings/river.md", extraBriefing)
	symlinkTo(t, "/dev/zero", filepath.Join(dir, "briefings", "zero.md"))
	config := writeFile(t, dir, "briefbot.yaml", "briefings: {dirs: ["+filepath.Join(dir, "briefings")+"]}\n")
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "config", "check", config)
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	const maxRSS = 256 << 20
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		select {
		case <-exited:
			want := filepath.Join(dir, "briefings", "zero.md") + ": is a device, not a regular file"
			if cmd.ProcessState.ExitCode() != 1 || !strings.Contains(stderr.String(), want) {
				t.Errorf("config check = exit %d\n%s\nwant exit 1 and %q", cmd.ProcessState.ExitCode(), stderr.String(), want)
			}
			return
		default:
		}
		if n := rss(t, cmd.Process.Pid); n > maxRSS || time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			t.Fatalf("config check was still running with %d MiB resident: it reads /dev/zero", n>>20)
		}
	}
}

// badLines is a config with n lines that are each the same mistake.
func badLines(n int) string {
	var sb strings.Builder
	sb.WriteString("slack:\n  signing_secret: s\n  admin_user_ids:\n")
	for range n {
		sb.WriteString("  - alice\n")
	}
	return sb.String()
}

// TestConfigCheckFoldsAlikeProblems: 100,000 lines with one mistake are a few examples and a
// count, in text and in JSON, while a problem of another kind is still listed.
func TestConfigCheckFoldsAlikeProblems(t *testing.T) {
	path := writeFile(t, t.TempDir(), "briefbot.yaml", "briefings: {default: nowhere}\n"+badLines(100_000))
	const fold = "... and 99,995 more like it"
	_, stderr, code := invokeWithin(t, 30*time.Second, "config", "check", path)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 1 || len(lines) != 7 || lines[6] != fold || !strings.Contains(lines[0], `no briefing has id "nowhere"`) {
		t.Errorf("config check = exit %d, %d lines, the first and last 5:\n%s\n...\n%s\nwant exit 1, 7 lines, the last %q",
			code, len(lines), strings.Join(lines[:min(5, len(lines))], "\n"), strings.Join(lines[max(0, len(lines)-5):], "\n"), fold)
	}

	stdout, _, _ := invokeWithin(t, 30*time.Second, "config", "check", "--format", "json", path)
	var report struct{ Problems []string }
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("config check --format json printed no report (%v):\n%.500s", err, stdout)
	}
	if n := len(report.Problems); n != 7 || report.Problems[n-1] != fold {
		t.Errorf("config check --format json = %d problems, ending %q; want 7, ending %q", n, report.Problems[max(0, n-1)], fold)
	}
}

// reloadRefusals are the problem lists of the "reload refused" lines of a serve's JSON log.
func reloadRefusals(t *testing.T, log string) [][]string {
	t.Helper()
	var out [][]string
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var line struct {
			Msg      string
			Problems []string
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && strings.HasPrefix(line.Msg, "reload refused") {
			out = append(out, line.Problems)
		}
	}
	return out
}

// waitForLog waits until the log has a line with want, or fails the test after d.
func waitForLog(t *testing.T, s *served, want string, d time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(d); !strings.Contains(s.log.String(), want); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log after %v:\n%.3000s", want, d, s.log.String())
		}
	}
}

// stopWithin stops serve as SIGTERM would and fails the test when it has not returned within d.
func stopWithin(t *testing.T, s *served, d time.Duration) {
	t.Helper()
	stopped := make(chan error, 1)
	go func() { stopped <- s.stop() }()
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("serve after stop = %v", err)
		}
	case <-time.After(d):
		t.Fatalf("serve has not stopped %v after the stop signal:\n%.3000s", d, s.log.String())
	}
}

// TestReloadLogFoldsAlikeProblems: a reload refused for 100,000 alike mistakes logs a few and a
// count.
func TestReloadLogFoldsAlikeProblems(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "briefbot.yaml", `http: {listen: "127.0.0.1:0"}`+"\nstore: {dsn: \"sqlite://"+filepath.Join(dir, "ledger.db")+"\"}\n")
	s := serveFile(t, path, nil)
	good, _ := os.ReadFile(path)
	writeFile(t, dir, "briefbot.yaml", string(good)+badLines(100_000))
	waitForLog(t, s, `"msg":"reload refused`, 30*time.Second)
	refusals := reloadRefusals(t, s.log.String())
	if len(refusals) == 0 {
		t.Fatalf("no reload refusal in the log:\n%.3000s", s.log.String())
	}
	const fold = "... and 99,995 more like it"
	if p := refusals[0]; len(p) != 6 || p[5] != fold {
		t.Errorf("the refusal lists %d problems, the last %q; want 6, the last %q", len(p), p[len(p)-1], fold)
	}
	stopWithin(t, s, 10*time.Second)
}

// serveFolder runs serve on a briefings folder holding one briefing, and returns the folder.
func serveFolder(t *testing.T) (*served, string) {
	t.Helper()
	dir := t.TempDir()
	folder := filepath.Join(dir, "briefings")
	writeFile(t, folder, "river.md", extraBriefing)
	path := writeFile(t, dir, "briefbot.yaml", `http: {listen: "127.0.0.1:0"}
briefings: {dirs: [`+folder+`]}
store: {dsn: "sqlite://`+filepath.Join(dir, "ledger.db")+`"}
`)
	s := serveFile(t, path, nil)
	return s, folder
}

// TestServeRefusesANamedPipeAndStopsAtOnce: a named pipe appearing in a briefings folder while
// serve runs is refused by the reload it causes, by name, and the stop signal still drains at
// once.
func TestServeRefusesANamedPipeAndStopsAtOnce(t *testing.T) {
	s, folder := serveFolder(t)
	namedPipe(t, filepath.Join(folder, "pipe.md"))
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitForLog(t, s, filepath.Join(folder, "pipe.md")+": is a named pipe, not a regular file", 10*time.Second)
	if !strings.Contains(s.log.String(), `"msg":"reload refused`) {
		t.Errorf("the named pipe is named, but not in a refused reload:\n%.3000s", s.log.String())
	}
	if status := readyStatus(t, s.base); status != http.StatusOK {
		t.Errorf("GET /readyz after the refused reload = %d; want 200: the old briefings stay in force", status)
	}
	stopWithin(t, s, 5*time.Second)
	if !strings.Contains(s.log.String(), `"msg":"draining"`) {
		t.Errorf("serve stopped without draining:\n%.3000s", s.log.String())
	}
}

// readyStatus is the status of serve's GET /readyz.
func readyStatus(t *testing.T, base string) int {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestServeStopsAtOnceDuringASlowReload: a stop signal that comes while a reload of a large set
// of briefings runs drains at once (readiness 503, "draining" in the log), and serve returns.
func TestServeStopsAtOnceDuringASlowReload(t *testing.T) {
	s, folder := serveFolder(t)
	// Enough briefings that reading and indexing them takes seconds.
	for i := range 800 {
		writeFile(t, folder, fmt.Sprintf("river-%03d.md", i),
			strings.NewReplacer("river-treaty", fmt.Sprintf("river-%03d", i), "River treaty talks", fmt.Sprintf("River %03d treaty talks", i)).Replace(extraBriefing))
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if log := s.log.String(); strings.Contains(log, `"msg":"reloaded"`) || strings.Contains(log, `"msg":"reload refused`) {
		t.Skip("the reload was over within 300 ms: too quick to stop in the middle of")
	}
	start := time.Now()
	stopped := make(chan error, 1)
	go func() { stopped <- s.stop() }()
	for !strings.Contains(s.log.String(), `"msg":"draining"`) {
		if time.Since(start) > 30*time.Second {
			t.Fatalf("no draining 30 s after the stop signal:\n%.3000s", s.log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("draining began %v after the stop signal; want at once, whatever the reload is doing", took.Round(time.Millisecond))
	}
	if resp, err := http.Get(s.base + "/readyz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("GET /readyz while draining = %d; want 503", resp.StatusCode)
		}
	}
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("serve after stop = %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve has not returned 30 s after the stop signal:\n%.3000s", s.log.String())
	}
	// A reload still reading when the stop came is abandoned; one already putting its result in
	// force finishes that, beside the draining.
	if log := s.log.String(); strings.Contains(log, `"msg":"reload abandoned`) && strings.Contains(log, `"msg":"reloaded"`) {
		t.Errorf("an abandoned reload was put in force:\n%.3000s", log)
	}
}

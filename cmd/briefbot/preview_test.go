package main

import (
	"briefbot/bot/bottest"
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startPreview runs briefbot preview with args until the test ends, and returns its base URL.
func startPreview(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, outW := io.Pipe()
	var stderr bottest.LogBuffer // the preview writes it while the test reads it
	c := &cli{lookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		stdin: strings.NewReader(""), stdout: outW, stderr: &stderr}
	done := make(chan error, 1)
	go func() { done <- c.preview(ctx, append([]string{"--listen", "127.0.0.1:0"}, args...)); outW.Close() }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("preview: %v\n%s", err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Errorf("preview did not stop within 10s of its context")
		}
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("preview printed no address: %v\n%s", err, stderr.String())
	}
	go io.Copy(io.Discard, out)
	_, rest, _ := strings.Cut(line, "http://")
	addr, _, _ := strings.Cut(rest, " ")
	return "http://" + addr
}

func writePreviewFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func fetch(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// eventually fetches url until the page holds want (or, with absent, no longer holds it), and
// returns how long that took.
func eventually(t *testing.T, url, want string, absent bool) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if body := fetch(t, url); strings.Contains(body, want) != absent {
			return time.Since(start)
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("GET %s: after 5s, holds %q = %v", url, want, absent)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPreviewRefusesTheNetworkUnlessPublic(t *testing.T) {
	for _, listen := range []string{"0.0.0.0:0", ":0", "192.0.2.1:8090"} {
		var stderr bytes.Buffer
		c := &cli{lookupEnv: func(string) (string, bool) { return "", false }, stdout: io.Discard, stderr: &stderr}
		err := c.preview(context.Background(), []string{"--listen", listen})
		if code := exitCode(err, &stderr); code != exitUsage || !strings.Contains(stderr.String(), "--public") {
			t.Errorf("preview --listen %s = exit %d\n%s; want exit %d naming --public", listen, code, stderr.String(), exitUsage)
		}
	}
	for _, listen := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0"} {
		if ok, err := loopback(listen); !ok || err != nil {
			t.Errorf("loopback(%q) = %v, %v; want true", listen, ok, err)
		}
	}
}

// TestPreviewFollowsSaves: a save that breaks the config or a briefing shows its FILE:LINE on the
// page; the fix takes it away; no secret ever shows.
func TestPreviewFollowsSaves(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "briefings")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "briefbot.yaml")
	good := "discord: {token: \"${PREVIEW_TOKEN}\", application_id: \"123456789012345678\"}\nbriefings: {dirs: [" + folder + "]}\n"
	writePreviewFile(t, path, good)
	const secret = "preview-secret-token-value"
	base := startPreview(t, map[string]string{"PREVIEW_TOKEN": secret}, "--config", path)

	if body := fetch(t, base+"/?q=/position+troops+mexico"); !strings.Contains(body, "Strongly opposes any foreign military presence") {
		t.Fatalf("GET /?q=/position troops mexico:\n%s", body)
	}

	writePreviewFile(t, path, good+"colour: red\n")
	took := eventually(t, base+"/", path+":3", false)
	t.Logf("from a save of the config to the page showing its problem: %v", took)

	writePreviewFile(t, path, good)
	eventually(t, base+"/", "problems stop", true)

	writePreviewFile(t, filepath.Join(folder, "bad.md"), "---\nid: bad\n---\nno title\n")
	eventually(t, base+"/briefings", filepath.Join(folder, "bad.md")+":", false)
	if err := os.Remove(filepath.Join(folder, "bad.md")); err != nil {
		t.Fatal(err)
	}
	eventually(t, base+"/briefings", "problems stop", true)

	for _, page := range []string{"/", "/digests", "/briefings", "/?q=/help"} {
		if body := fetch(t, base+page); strings.Contains(body, secret) {
			t.Errorf("GET %s shows the token", page)
		}
	}
}

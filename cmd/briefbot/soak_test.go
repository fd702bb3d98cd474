package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"briefbot/bot/discord/discordtest"
	"briefbot/bot/slack/slacktest"
)

// soakFor is how long TestSoak runs: scripts/soak.sh gives it 10m, CI a short run.
var soakFor = flag.Duration("soak", 0, "run TestSoak for this long (e.g. 10m); 0 skips it")

// builtLoad is briefload built once, to load serve from a process of its own.
var builtLoad = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "briefload-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "briefload")
	out, err := exec.Command("go", "build", "-o", bin, "../briefload").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build briefload: %v\n%s", err, out)
	}
	return bin, nil
})

// TestSoak runs serve under a mixed briefload load (commands, autocomplete, bad signatures,
// oversized bodies) while digests fan out every minute to fake APIs that answer 429 and 5xx at
// random; the briefing folder is saved every few seconds, every other time broken, so that
// reloads alternate between applied and refused; and halfway the process is killed with SIGKILL
// and started again. At the end: no panic, every bad request refused with its status, every
// digest slot exactly once in every channel, and memory flat (start, peak and end reported).
func TestSoak(t *testing.T) {
	if *soakFor == 0 {
		t.Skip("a soak runs only when asked: scripts/soak.sh, or go test ./cmd/briefbot -run TestSoak -soak 10m")
	}
	load, err := builtLoad()
	if err != nil {
		t.Fatal(err)
	}
	f := newFanOut(t, "sqlite://"+filepath.Join(t.TempDir(), "ledger.db"))
	for i := 0; i < len(f.discordChannels); i += 7 {
		f.discord.Limited[f.discordChannels[i]] = 3 // 429 storms on every seventh channel
	}
	folder := filepath.Join(f.dir, "briefings")
	writeFile(t, folder, "river.md", riverBriefing)
	f.config = strings.Replace(f.config, "http: {listen: \"127.0.0.1:0\"}\n", fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
briefings: {dirs: [%s]}
`, folder), 1)
	f.config = strings.Replace(f.config, fmt.Sprintf("discord: {token: %q,", discordtest.Token),
		fmt.Sprintf("discord: {public_key: %q, token: %q,", discordtest.PublicKey(), discordtest.Token), 1)
	f.config = strings.Replace(f.config, `signing_secret: "s"`, fmt.Sprintf("signing_secret: %q", slacktest.Secret), 1)

	start := time.Now()
	c := f.start(t, "soak")
	rssStart := rss(t, c.cmd.Process.Pid)
	rssPeak, rssEnd := rssStart, rssStart

	var loads []*exec.Cmd
	var loadOut []*bytes.Buffer
	runLoad := func(addr string, d time.Duration) {
		out := &bytes.Buffer{}
		cmd := exec.Command(load, "--platform", "discord,slack", "--rate", "200/s", "--duration", d.String(),
			"--mix", "position=40,search=10,compare=10,help=5,autocomplete=20,badsig=10,oversized=5", "http://"+addr)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		loads, loadOut = append(loads, cmd), append(loadOut, out)
	}
	half := *soakFor / 2
	runLoad(c.addr(), half-time.Second)

	saves, refused := 0, 0
	every := min(30*time.Second, max(*soakFor/20, 3*time.Second))
	killed := false
	for time.Since(start) < *soakFor {
		time.Sleep(every)
		saves++
		if saves%2 == 1 {
			writeFile(t, folder, "broken.md", "---\nid: broken\n---\nno title\n")
			refused++
		} else {
			os.Remove(filepath.Join(folder, "broken.md"))
		}
		if r := rss(t, c.cmd.Process.Pid); r > rssPeak {
			rssPeak = r
		}
		if !killed && time.Since(start) >= half {
			killed = true
			for _, l := range loads { // the load of the first half ends before the kill
				l.Wait()
			}
			c.cmd.Process.Signal(syscall.SIGKILL)
			c.cmd.Wait()
			c = f.start(t, "soak-after-kill")
			runLoad(c.addr(), *soakFor-time.Since(start))
		}
	}
	for _, l := range loads {
		l.Wait()
	}
	rssEnd = rss(t, c.cmd.Process.Pid)
	for i, l := range loads {
		if code := l.ProcessState.ExitCode(); code != 0 {
			t.Errorf("briefload run %d: exit %d (a request answered wrongly)\n%s", i+1, code, loadOut[i])
		} else {
			t.Logf("briefload run %d:\n%s", i+1, loadOut[i])
		}
	}
	// Every slot that came due while serve ran is in every channel once, late at worst.
	f.exactlyOnce(t, c)
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v (want exit 0)", err)
	}
	for _, log := range []string{c.log.String()} {
		if strings.Contains(log, "panic") {
			t.Errorf("the log shows a panic:\n%s", log)
		}
	}
	if n := strings.Count(c.log.String(), `"msg":"reload refused`); refused > 0 && n == 0 && saves > 2 {
		t.Errorf("%d broken saves, and no reload refused in the log", refused)
	}
	t.Logf("soak %s: %d saves (%d broken), RSS start %d MB, peak %d MB, end %d MB",
		soakFor.String(), saves, refused, rssStart>>20, rssPeak>>20, rssEnd>>20)
	if rssEnd > 2*rssStart+16<<20 {
		t.Errorf("RSS grew from %d MB to %d MB", rssStart>>20, rssEnd>>20)
	}
}

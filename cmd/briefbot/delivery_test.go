package main

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"briefbot/bot/bottest"
	"briefbot/bot/discord/discordtest"
	"briefbot/bot/slack/slacktest"
)

// The delivery tests run briefbot serve as child processes, posting a digest every minute to a
// fake Discord and a fake Slack for 200 channels in all, and kill one with SIGKILL in the middle
// of the fan-out: every channel must end with exactly one post of the slot. They wait for a real
// minute to turn, so they run side by side and only with -run or without -short.

// builtBinary is briefbot built once for the delivery tests.
var builtBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "briefbot-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "briefbot")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// fanOut is one digest setup: the fakes, the channels and the config that posts to them.
type fanOut struct {
	discord         *discordtest.Fake
	slack           *slacktest.WebAPI
	discordChannels []string
	slackChannels   []string
	config          string
	dir             string
}

func newFanOut(t *testing.T, storeDSN string) *fanOut {
	f := &fanOut{discord: discordtest.NewFake(t), slack: slacktest.NewWebAPI(t), dir: t.TempDir()}
	f.discord.ForgetNonces = true // Discord keeps a nonce a few minutes only: no help after a crash
	f.slack.PerChannel = true
	f.slack.Flaky, f.slack.Seed = 0.1, 7
	for i := range 100 {
		f.discordChannels = append(f.discordChannels, fmt.Sprint(645027906669510000+i))
		f.slackChannels = append(f.slackChannels, fmt.Sprintf("C%07d", i))
		if i%10 == 0 {
			f.discord.Limited[f.discordChannels[i]] = 1 // a 429 with Retry-After now and then
		}
	}
	f.config = fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
discord: {token: %q, application_id: %q, api_url: %q}
slack: {bot_token: %q, signing_secret: "s", api_url: %q}
digests:
  - {name: minutely-discord, platform: discord, schedule: "* * * * *", channels: [%s]}
  - {name: minutely-slack, platform: slack, schedule: "* * * * *", channels: [%s]}
store: {dsn: %q}
`, discordtest.Token, discordtest.AppID, f.discord.APIURL(), slacktest.BotToken, f.slack.URL(),
		strings.Join(f.discordChannels, ", "), strings.Join(f.slackChannels, ", "), storeDSN)
	return f
}

// posted counts, per channel, the posts of each slot key, on both fakes.
func (f *fanOut) posted() map[string]map[string]int {
	out := f.slack.ByChannel()
	f.discord.Mu.Lock()
	defer f.discord.Mu.Unlock()
	key := regexp.MustCompile(`digest (\S+@\d+)`)
	for _, m := range f.discord.Messages {
		k := ""
		if sm := key.FindSubmatch(m.Body); sm != nil {
			k = string(sm[1])
		}
		if out[m.Channel] == nil {
			out[m.Channel] = map[string]int{}
		}
		out[m.Channel][k]++
	}
	return out
}

// firstSlot is the earliest slot key posted anywhere, per digest prefix.
func firstSlot(posted map[string]map[string]int, prefix string) string {
	first := ""
	for _, keys := range posted {
		for k := range keys {
			if strings.HasPrefix(k, prefix) && (first == "" || k < first) {
				first = k
			}
		}
	}
	return first
}

// total is how many posts were kept in all.
func total(posted map[string]map[string]int) int {
	n := 0
	for _, keys := range posted {
		for _, c := range keys {
			n += c
		}
	}
	return n
}

// child is one briefbot serve process.
type child struct {
	cmd *exec.Cmd
	log *bottest.LogBuffer
}

func (f *fanOut) start(t *testing.T, name string) *child {
	t.Helper()
	return startChild(t, f.dir, name, f.config)
}

// startChild runs briefbot serve with config as a child process until the test ends, and waits
// until it listens.
func startChild(t *testing.T, dir, name, config string) *child {
	t.Helper()
	bin, err := builtBinary()
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, dir, name+".yaml", config)
	c := &child{cmd: exec.Command(bin, "serve", "--config", path), log: &bottest.LogBuffer{}}
	c.cmd.Stderr = c.log
	c.cmd.Dir = dir
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.cmd.Process.Kill(); c.cmd.Wait() })
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(c.log.String(), `"msg":"listening"`); {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not start:\n%s", name, c.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return c
}

// addr is where the child listens.
func (c *child) addr() string {
	if m := listenLine.FindStringSubmatch(c.log.String()); m != nil {
		return m[1]
	}
	return ""
}

// killMidFanOut waits until some but not all of the first slot's posts are out, then kills c
// with SIGKILL: no release of its leases, no mark of what it was posting.
func (f *fanOut) killMidFanOut(t *testing.T, c *child) {
	t.Helper()
	for deadline := time.Now().Add(100 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if n := total(f.posted()); n >= 30 {
			if n >= 200 {
				t.Fatalf("the whole fan-out went out before the kill (%d posts)", n)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no fan-out began:\n%s", c.log.String())
		}
	}
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.cmd.Wait()
}

// exactlyOnce waits until every channel has the first slot's post, then checks that no channel
// has any slot twice.
func (f *fanOut) exactlyOnce(t *testing.T, logs ...*child) {
	t.Helper()
	var posted map[string]map[string]int
	deadline := time.Now().Add(120 * time.Second)
	for {
		posted = f.posted()
		complete := true
		for _, group := range [][]string{f.discordChannels, f.slackChannels} {
			prefix := "minutely-discord@"
			if group[0][0] == 'C' {
				prefix = "minutely-slack@"
			}
			first := firstSlot(posted, prefix)
			for _, ch := range group {
				if first == "" || posted[ch][first] == 0 {
					complete = false
				}
			}
		}
		if complete {
			break
		}
		if time.Now().After(deadline) {
			var out strings.Builder
			for _, c := range logs {
				out.WriteString(c.log.String())
			}
			t.Fatalf("not every channel got the first slot's post in time (%d posts):\n%s", total(posted), out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for ch, keys := range posted {
		for k, n := range keys {
			if n != 1 {
				t.Errorf("channel %s got slot %q %d times", ch, k, n)
			}
		}
	}
}

// TestKilledMidFanOutPostsEveryChannelOnce: a serve killed in the middle of a fan-out and started
// again leaves every one of 200 channels with exactly one post of the slot.
func TestKilledMidFanOutPostsEveryChannelOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a real minute to turn")
	}
	t.Parallel()
	f := newFanOut(t, "sqlite://"+filepath.Join(t.TempDir(), "ledger.db"))
	first := f.start(t, "first")
	f.killMidFanOut(t, first)
	second := f.start(t, "second")
	f.exactlyOnce(t, first, second)
}

// TestReplicaKilledMidFanOut: two serve on one PostgreSQL post every slot once; when one is killed
// in the middle of a fan-out, the other finishes its channels after the leases expire.
func TestReplicaKilledMidFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a real minute to turn")
	}
	dsn := os.Getenv("BRIEFBOT_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("BRIEFBOT_TEST_POSTGRES is not set: CI must test replicas on PostgreSQL")
		}
		t.Skip("BRIEFBOT_TEST_POSTGRES is not set: no PostgreSQL to share between replicas")
	}
	t.Parallel()
	f := newFanOut(t, isolatedSchema(t, dsn))
	a := f.start(t, "replica-a")
	b := f.start(t, "replica-b")
	f.killMidFanOut(t, a)
	f.exactlyOnce(t, a, b)
}

// isolatedSchema makes a schema of its own for the test, dropped at its end, and returns a DSN
// that uses it.
func isolatedSchema(t *testing.T, dsn string) string {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	schema := fmt.Sprintf("briefbot_replicas_%d", time.Now().UnixNano())
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Exec("DROP SCHEMA " + schema + " CASCADE") })
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

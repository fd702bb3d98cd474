package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"briefbot/bot/discord"
	"briefbot/bot/discord/discordtest"
)

// rss is a process's resident memory in bytes, from /proc.
func rss(t *testing.T, pid int) int64 {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skip("no /proc to read memory from")
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc status")
	return 0
}

// TestSlowHeaderSenders: a thousand clients that send most of a header and never finish it hold
// a bounded amount of memory, and a normal request is still answered; a header past the limit
// is refused.
func TestSlowHeaderSenders(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process and a thousand connections")
	}
	dir := t.TempDir()
	c := startChild(t, dir, "serve", `http: {listen: "127.0.0.1:0"}
discord: {application_id: "123", public_key: "`+discordtest.PublicKey()+`"}
store: {dsn: "sqlite://`+dir+`/ledger.db"}
`)
	addr := c.addr()
	before := rss(t, c.cmd.Process.Pid)
	var conns []net.Conn
	defer func() {
		for _, conn := range conns {
			conn.Close()
		}
	}()
	partial := "POST /discord/interactions HTTP/1.1\r\nHost: x\r\nX-Filler: " + strings.Repeat("a", 7<<10)
	for range 1000 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		conns = append(conns, conn)
		if _, err := io.WriteString(conn, partial); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	time.Sleep(500 * time.Millisecond) // let the server read what was sent
	during := rss(t, c.cmd.Process.Pid)
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("a normal request during the attack: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	t.Logf("RSS %d MB before, %d MB with 1,000 slow senders", before>>20, during>>20)
	if during > 64<<20 {
		t.Errorf("RSS %d MB with 1,000 slow header senders; want under 64 MB", during>>20)
	}

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("b", 1<<20)+"\r\n\r\n")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	status, _ := bufio.NewReader(conn).ReadString('\n')
	if !strings.Contains(status, "431") {
		t.Errorf("a complete 1 MiB header was answered %q; want 431", strings.TrimSpace(status))
	}
}

// TestDrainUnderKeepAliveLoad: on SIGTERM readiness turns 503 at once, and no request sent
// before it did fails; the process exits 0.
func TestDrainUnderKeepAliveLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process under load")
	}
	dir := t.TempDir()
	c := startChild(t, dir, "serve", `http: {listen: "127.0.0.1:0"}
discord: {application_id: "123", public_key: "`+discordtest.PublicKey()+`"}
store: {dsn: "sqlite://`+dir+`/ledger.db"}
`)
	base := "http://" + c.addr()
	var notReadyAt atomic.Int64 // when readiness was first seen 503, unix nanoseconds
	var failedBefore, sent atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: 5 * time.Second}
			target := discordTarget(base + "/discord/interactions")
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := target(t.Context())
				at := time.Now().UnixNano()
				resp, err := client.Do(req)
				sent.Add(1)
				ok := err == nil && resp.StatusCode == http.StatusOK
				if resp != nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if nr := notReadyAt.Load(); !ok && (nr == 0 || at < nr) {
					failedBefore.Add(1)
				}
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); notReadyAt.Load() == 0; time.Sleep(time.Millisecond) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
		}
		if err != nil || resp.StatusCode == http.StatusServiceUnavailable {
			notReadyAt.Store(time.Now().UnixNano())
		}
		if time.Now().After(deadline) {
			t.Fatal("readiness never turned 503 after SIGTERM")
		}
	}
	time.Sleep(200 * time.Millisecond) // the balancer takes a moment to stop sending
	close(stop)
	wg.Wait()
	waited := make(chan error, 1)
	go func() { waited <- c.cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("briefbot serve after SIGTERM: %v (want exit 0)\n%s", err, c.log.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("briefbot serve did not exit within 20 s of SIGTERM")
	}
	if sent.Load() == 0 || failedBefore.Load() != 0 {
		t.Errorf("%d of %d requests sent before readiness turned 503 failed", failedBefore.Load(), sent.Load())
	}
}

// TestHealthCommand: briefbot health is 0 against a ready server and 1 otherwise.
func TestHealthCommand(t *testing.T) {
	base, stop := startServe(t, `http: {listen: "127.0.0.1:0"}`+"\n", nil)
	if stdout, stderr, code := invoke(t, "", nil, "health", "--url", base); code != 0 || !strings.Contains(stdout, "ready") {
		t.Errorf("health against a ready server = exit %d\n%s%s", code, stdout, stderr)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := invoke(t, "", nil, "health", "--url", base); code != 1 || !strings.Contains(stderr, "not ready") {
		t.Errorf("health against a stopped server = exit %d\n%s", code, stderr)
	}
}

// TestMetrics: /metrics counts commands by their names in the table, never by what was typed.
func TestMetrics(t *testing.T) {
	base, _ := startServe(t, `http: {listen: "127.0.0.1:0"}
discord: {application_id: "123", public_key: "`+discordtest.PublicKey()+`"}
`, nil)
	for _, line := range []string{"position sovereignty", "dance-typed-by-someone", "search secret-words"} {
		askServe(t, base, line)
	}
	completion := []byte(`{"id":"` + discordtest.InteractionID() + `","application_id":"123","type":4,"token":"t","data":{"id":"5",` +
		`"name":"position","type":1,"options":[{"name":"issue","type":3,"value":"sov","focused":true}]}}`)
	req, _ := http.NewRequest(http.MethodPost, base+"/discord/interactions", bytes.NewReader(completion))
	discordtest.SetHeaders(req.Header, strconv.FormatInt(time.Now().Unix(), 10), completion)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("autocomplete: %v %v", resp, err)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	text := string(raw)
	for _, want := range []string{`briefbot_commands_total{command="position",outcome="answered",platform="discord"} 1`,
		`briefbot_commands_total{command="unknown",outcome="invalid",platform="discord"} 1`,
		`briefbot_command_duration_seconds_bucket{command="search"`, `briefbot_build_info{`, "go_goroutines",
		`briefbot_autocompletes_total{platform="discord"} 1`} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, typed := range []string{"dance-typed-by-someone", "secret-words", "sovereignty"} {
		if strings.Contains(text, typed) {
			t.Errorf("/metrics holds typed text %q", typed)
		}
	}
}

// TestReadinessNamesWhatIsDown: Discord unreachable for command registration at start does not
// end serve: registration is retried, and /readyz says so without turning unready, since the
// endpoint answers with the commands Discord already has.
func TestReadinessNamesWhatIsDown(t *testing.T) {
	f := discordtest.NewFake(t)
	f.Mu.Lock()
	f.CommandFailures = []int{500, 500, 500, 500, 500, 500, 500, 500}
	f.Mu.Unlock()
	base, _ := startServe(t, fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
discord: {token: %q, application_id: %q, api_url: %q, public_key: %q}
`, discordtest.Token, discordtest.AppID, f.APIURL(), discordtest.PublicKey()), nil)
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ready struct {
		Ready  bool
		Checks map[string]string
	}
	if err := json.NewDecoder(resp.Body).Decode(&ready); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !ready.Ready || ready.Checks["store"] != "ok" || ready.Checks["briefings"] != "ok" ||
		ready.Checks["discord.commands"] == "ok" || ready.Checks["discord.commands"] == "" {
		t.Errorf("/readyz = %d %+v; want ready, with discord.commands named as retrying", resp.StatusCode, ready)
	}
}

// TestGatewayTakeover: of two replicas of one bot on one ledger, one holds the Discord gateway
// (two sessions would both receive every interaction and race to answer); when it is killed,
// the other takes the gateway over within seconds.
func TestGatewayTakeover(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes and waits for a lease to run out")
	}
	dir := t.TempDir()
	f := discordtest.NewFake(t)
	config := fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
discord: {token: %q, application_id: %q, api_url: %q, gateway: true}
store: {dsn: "sqlite://%s/ledger.db"}
`, discordtest.Token, discordtest.AppID, f.APIURL(), dir)
	a := startChild(t, dir, "replica-a", config)
	b := startChild(t, dir, "replica-b", config)
	identifies := func() int {
		f.Mu.Lock()
		defer f.Mu.Unlock()
		return f.Identifies
	}
	holds := func(c *child) bool { return strings.Contains(c.log.String(), `"msg":"gateway role taken"`) }
	for deadline := time.Now().Add(20 * time.Second); identifies() < 1; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no replica opened the gateway:\n%s\n%s", a.log.String(), b.log.String())
		}
	}
	time.Sleep(2 * discord.GatewayTry) // long enough for the other to have tried, and failed, too
	if holds(a) == holds(b) || identifies() != 1 {
		t.Fatalf("a holds %v, b holds %v, %d gateway sessions; want exactly one", holds(a), holds(b), identifies())
	}
	holder, other := a, b
	if holds(b) {
		holder, other = b, a
	}
	if err := holder.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	holder.cmd.Wait()
	killed := time.Now()
	for deadline := killed.Add(discord.GatewayLease + 3*discord.GatewayTry); !holds(other); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the other replica did not take the gateway over:\n%s", other.log.String())
		}
	}
	t.Logf("taken over %s after the holder was killed", time.Since(killed).Round(100*time.Millisecond))
	if identifies() != 2 {
		t.Errorf("%d gateway sessions in all; want 2 (one each, one after the other)", identifies())
	}
}

package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// A world is where the checks run: the briefbot binary and a folder of their own.
type world struct {
	bin string
	dir string
}

func newWorld(bin string) (*world, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "briefchaos")
	if err != nil {
		return nil, err
	}
	return &world{bin: bin, dir: dir}, nil
}

func (w *world) cleanup() { os.RemoveAll(w.dir) }

// folder makes a new empty folder for one check.
func (w *world) folder(name string) (string, error) {
	dir := filepath.Join(w.dir, name)
	return dir, os.MkdirAll(filepath.Join(dir, "briefings"), 0o755)
}

// config writes briefbot.yaml in dir: an HTTP listener on a free port, the briefings folder of
// dir, the ledger in dir, and more.
func config(dir, more string) (string, error) {
	path := filepath.Join(dir, "briefbot.yaml")
	text := fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
briefings: {dirs: [%q]}
store: {dsn: "sqlite://%s"}
%s`, filepath.Join(dir, "briefings"), filepath.Join(dir, "ledger.db"), more)
	return path, os.WriteFile(path, []byte(text), 0o600)
}

// serve runs briefbot serve in a new folder of its own named name, with more in its config, and
// returns the process listening and its folder.
func (w *world) serve(name, more string) (*process, string, error) {
	dir, err := w.folder(name)
	if err != nil {
		return nil, "", err
	}
	cfg, err := config(dir, more)
	if err != nil {
		return nil, "", err
	}
	p, err := w.start("serve", "--config", cfg)
	return p, dir, err
}

// A lockedBuffer keeps what a process writes, for reading while it runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A process is briefbot running, with its log and its memory watched.
type process struct {
	cmd  *exec.Cmd
	log  *lockedBuffer
	addr string
	done chan struct{}
	peak *peakRSS
}

var listening = regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)

// start runs briefbot with args and waits, when it serves, for it to listen.
func (w *world) start(args ...string) (*process, error) {
	p := &process{cmd: exec.Command(w.bin, args...), log: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	p.peak = watchRSS(p.cmd.Process.Pid, p.done)
	go func() { p.cmd.Wait(); close(p.done) }()
	if args[0] != "serve" {
		return p, nil
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := listening.FindStringSubmatch(p.log.String()); m != nil {
			p.addr = m[1]
			return p, nil
		}
		select {
		case <-p.done:
			return nil, fmt.Errorf("serve stopped before listening:\n%s", p.log.String())
		default:
		}
	}
	p.kill()
	return nil, fmt.Errorf("serve did not listen within 20 s:\n%s", p.log.String())
}

// wait waits for the process to end, at most d; false when it did not.
func (p *process) wait(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

func (p *process) signal(s syscall.Signal) { p.cmd.Process.Signal(s) }

func (p *process) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

func (p *process) exitCode() int { return p.cmd.ProcessState.ExitCode() }

// peakRSS is the most resident memory the kernel says the process held, in MiB: its high-water
// mark (VmHWM) while it runs, and the rusage's once it has ended.
func (p *process) peakRSS() float64 {
	if st := p.cmd.ProcessState; st != nil {
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			return max(float64(ru.Maxrss)/1024, p.peak.mib())
		}
	}
	return p.peak.mib()
}

// ready reads /readyz: its status and body.
func (p *process) ready() (int, string) {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + p.addr + "/readyz")
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	return resp.StatusCode, strings.TrimSpace(body.String())
}

// peakRSS samples a process's VmHWM until it ends.
type peakRSS struct {
	mu  sync.Mutex
	kib int64
}

func watchRSS(pid int, done <-chan struct{}) *peakRSS {
	r := &peakRSS{}
	go func() {
		for {
			if kib := statusKiB(pid, "VmHWM"); kib > 0 {
				r.mu.Lock()
				r.kib = max(r.kib, kib)
				r.mu.Unlock()
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return r
}

func (r *peakRSS) mib() float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return float64(r.kib) / 1024
}

// statusKiB is one field of /proc/PID/status, in KiB; 0 when it cannot be read.
func statusKiB(pid int, field string) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == field+":" {
			kib, _ := strconv.ParseInt(f[1], 10, 64)
			return kib
		}
	}
	return 0
}

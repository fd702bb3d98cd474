package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"briefbot/bot"
	"briefbot/bot/schedule"
	"briefbot/bot/store"
	"briefbot/config"
)

const serveUsage = `Usage: briefbot serve [--config FILE]

Runs the bot: every configured platform, the digests and the HTTP server on http.listen,
until SIGTERM or SIGINT.
`

// shutdownGrace is how long requests in flight get to finish after a stop signal.
const shutdownGrace = 10 * time.Second

func (c *cli) serve(ctx context.Context, args []string) error {
	cmd := c.newCommand("serve", serveUsage)
	if err := c.flagsOnly(cmd, args); err != nil {
		return err
	}
	// A hang-up asks for a reload; caught from the start, so that one sent early cannot end the
	// process.
	hangups := make(chan os.Signal, 1)
	signal.Notify(hangups, syscall.SIGHUP)
	defer signal.Stop(hangups)

	// Each part is made once, in the order they need each other: the files, the ledger, the
	// core that holds the engine in force, the adapters over it (their posters), the scheduler
	// that posts through them, and last the engine, which answers /digest from the scheduler.
	// Nothing is answered before the platforms start, after the engine is in force.
	b, err := c.read(cmd)
	if err != nil {
		return err
	}
	cfg := b.cfg
	logger := newLogger(c.stderr, cfg.Log)
	m := newMetrics()
	opened, err := store.Open(ctx, cfg.Store.DSN, store.WithLogger(logger))
	if err != nil {
		return err
	}
	defer opened.Close()
	ledger := m.timed(opened)
	history := versionHistory(ledger)
	core := bot.NewCore(nil, bot.Recover(logger), bot.Log(logger), m.middleware())
	core.OnComplete(m.completed)
	platforms, err := newPlatforms(b, core, logger, m.transport)
	if err != nil {
		return err
	}
	defer platforms.close()
	self := owner()
	sched, err := schedule.New(schedule.Config{
		Digests: b.digests, Ledger: ledger, Posters: platforms.posters, Compose: core.ComposeDigest,
		Owner: self, Logger: logger, Retention: cfg.Store.RetentionTime, Observer: m, Limits: b.limits,
	})
	if err != nil {
		return err
	}
	m.digests.due = sched.Due
	m.loaded(true)
	if err := b.makeEngine(services{digests: sched, versions: history}); err != nil {
		return err
	}
	core.Swap(b.engine)
	saveVersions(ctx, ledger, b, logger)
	if err := platforms.start(ctx); err != nil {
		return err
	}
	scheduled := make(chan error, 1)
	schedCtx, stopScheduling := context.WithCancel(context.Background())
	defer stopScheduling()
	go func() { scheduled <- sched.Run(schedCtx) }()
	rt := &running{file: cfg.File, current: b, core: core, platforms: platforms, sched: sched, ledger: ledger,
		history: history, logger: logger, metrics: m, owner: self, renamed: make(chan struct{}, 1)}
	rt.follow(cfg)
	// Saving the config file, a briefing or a calendar file is a reload, as a hang-up is.
	saved := make(chan struct{}, 1)
	if cfg.File != "" {
		go func() {
			notify := func() {
				select {
				case saved <- struct{}{}:
				default:
				}
			}
			if err := watchFiles(schedCtx, cfg.File, func() namedFiles { return *rt.named.Load() }, rt.renamed, notify, logger); err != nil {
				logger.Warn("files are not watched; reload with SIGHUP", "err", err)
			}
		}()
	}

	ready := &readiness{}
	ready.add("briefings", func(context.Context) error {
		if len(core.Engine().Library().Briefings()) == 0 {
			return errors.New("no briefings loaded")
		}
		return nil
	})
	// Ready only while the ledger takes a write: one that answers reads may still refuse claims
	// (a read-only file, a full disk).
	ready.add("store", ledger.Writable)
	gatewayLeased := cfg.Discord.Gateway && platforms.discord != nil
	if gatewayLeased {
		go platforms.discord.LeadGateway(schedCtx, ledger, rt.owner)
	}
	platforms.readinessChecks(ready, gatewayLeased)
	go m.watchReadiness(schedCtx, ready, 10*time.Second)
	deps := platforms.routes
	deps.logger = logger
	deps.readiness = ready
	if cfg.Metrics.Listen == "" {
		deps.metrics = m.handler()
	} else {
		stopMetrics, err := serveMetrics(cfg.Metrics.Listen, m.handler(), logger)
		if err != nil {
			return err
		}
		defer stopMetrics()
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTP.Listen, err)
	}
	srv, capped := boundedServer(ln, NewServer(deps), maxConnections)
	srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelDebug)
	// Requests are noted as they arrive, so that draining can tell when they stop coming.
	var lastRequest atomic.Int64
	srv.Handler = drainAware(ready, &lastRequest, srv.Handler)
	// Starting up leaves garbage behind (the briefings' Markdown trees, the YAML, the ledger's
	// migrations), which would stay resident until the heap doubled: an idle bot never gets
	// there. Collect it once now and hand the pages back.
	debug.FreeOSMemory()
	logger.Info("listening", "addr", ln.Addr().String(), "briefings", len(b.engine.Library().Briefings()),
		"digests", len(b.digests), "discord", cfg.Discord.Enabled(), "slack", cfg.Slack.Enabled(), "version", version)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(capped) }()
	// Reloads run off this loop, so that a stop signal is handled at once whatever a reload is
	// waiting on (a slow disk, the store). They stop when serve does, for whatever reason.
	reloadCtx, stopReloads := context.WithCancel(ctx)
	reloads := rt.startReloads(reloadCtx, c.lookupEnv)
	defer reloads.wait(reloadGrace, logger)
	defer stopReloads()
wait:
	for {
		select {
		case err := <-served:
			return fmt.Errorf("http server: %w", err)
		case err := <-scheduled:
			return fmt.Errorf("scheduler: %w", err)
		case <-hangups:
			reloads.request("sighup")
		case <-saved:
			reloads.request("file change")
		case <-ctx.Done():
			break wait
		}
	}
	return drain(srv, ready, &lastRequest, stopScheduling, scheduled, logger)
}

// reloadGrace is how long a stopping serve waits, once drained, for a reload still running to
// give up, so that it does not write to the store after it is closed. A reload stuck longer (on
// a hung network disk) is left behind: it can no longer put anything in force.
const reloadGrace = 5 * time.Second

// reloads runs a serve's reloads one at a time on a goroutine of its own. A request made while
// one runs waits, and any more made meanwhile fold into it: the reload reads the files when it
// starts, so one covers them all.
type reloads struct {
	next chan string   // the trigger of the reload waiting to run
	done chan struct{} // closed when no reload will run any more
}

// startReloads runs reloads until ctx ends, when the process starts to stop. A reload running
// then puts nothing in force (see reload), and one waiting does not start.
func (rt *running) startReloads(ctx context.Context, lookupEnv func(string) (string, bool)) *reloads {
	r := &reloads{next: make(chan string, 1), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for {
			select {
			case <-ctx.Done():
				return
			case why := <-r.next:
				rt.reload(ctx, lookupEnv, why)
			}
		}
	}()
	return r
}

// request asks for a reload; it never waits.
func (r *reloads) request(why string) {
	select {
	case r.next <- why:
	default: // one is waiting already
	}
}

// wait waits for the reload running, if any, to end, for at most grace.
func (r *reloads) wait(grace time.Duration, logger *slog.Logger) {
	select {
	case <-r.done:
	case <-time.After(grace):
		logger.Warn("a reload is still running; stopping without it", "waited", grace)
	}
}

// Draining: readiness turns 503 at once and keep-alive connections close after their next
// answer (closing idle ones at once would race a client that has just picked one to send on); new requests are still answered while they keep coming, for at most drainGrace, so
// that a load balancer that has not yet seen the 503 loses nothing; then the server stops
// taking any and lets those in flight finish, for at most shutdownGrace. A second signal ends
// the process at once (main restores the default action after the first).
const (
	drainGrace = 5 * time.Second
	drainQuiet = 250 * time.Millisecond // no request for this long: the balancer has moved on
)

func drain(srv *http.Server, ready *readiness, lastRequest *atomic.Int64, stopScheduling func(),
	scheduled <-chan error, logger *slog.Logger) error {
	start := time.Now()
	logger.Info("draining")
	ready.drain()
	// The scheduler stops claiming at once, and finishes or releases the slots it holds.
	stopScheduling()
	for time.Since(start) < drainGrace && time.Since(time.Unix(0, lastRequest.Load())) < drainQuiet {
		time.Sleep(drainQuiet / 5)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-scheduled; err != nil {
		return fmt.Errorf("scheduler: %w", err)
	}
	logger.Info("stopped", "took", time.Since(start))
	return nil
}

// drainAware notes when the last request arrived and, while draining, closes each connection
// after its answer.
func drainAware(ready *readiness, last *atomic.Int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		last.Store(time.Now().UnixNano())
		if ready.draining.Load() {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
}

// owner names this process in the ledger's leases: unique among replicas and across restarts,
// readable in an operator's query.
func owner() string {
	host, _ := os.Hostname()
	var n [4]byte
	rand.Read(n[:])
	return fmt.Sprintf("%s-%d-%x", cmp.Or(host, "briefbot"), os.Getpid(), n)
}

// running is what a reload changes in a running serve.
type running struct {
	file      string
	current   *build // only the reloads' goroutine reads and replaces it
	core      *bot.Core
	platforms *platforms
	sched     *schedule.Scheduler
	ledger    store.Ledger
	history   *bot.VersionHistory
	owner     string // this process in the ledger's leases
	logger    *slog.Logger
	metrics   *metrics
	// named are the files the config last read names, for the file watcher; renamed tells it
	// they may have changed.
	named   atomic.Pointer[namedFiles]
	renamed chan struct{}
}

// follow has the file watcher watch the files cfg names. A reload follows every config it reads
// whole, refused or not: a save of the calendar file a refused config misses may be what mends
// it.
func (rt *running) follow(cfg *config.Config) {
	named := filesNamed(cfg)
	rt.named.Store(&named)
	select {
	case rt.renamed <- struct{}{}:
	default: // the watcher has yet to look at the last news, and will see this too
	}
}

// reload rebuilds everything that answers from the config file and the briefing folders and puts
// it in force at once; requests in flight finish on the engine they started with. Digests are
// re-planned through the ledger, so a reload across a slot neither loses nor doubles it.
// Anything wrong keeps the old in force, and the log names each problem at its FILE:LINE. Every
// reload, good or refused, goes to the audit trail. A reload that finishes building after ctx
// ends (the process is stopping) puts nothing in force: the process drains on what it has.
func (rt *running) reload(ctx context.Context, lookupEnv func(string) (string, bool), why string) {
	if ctx.Err() != nil {
		return
	}
	rt.logger.Info("reloading", "trigger", why)
	cfg := config.Default()
	var err error
	if rt.file != "" {
		cfg, err = config.Load(rt.file, lookupEnv)
	}
	if cfg != nil {
		rt.follow(cfg)
	}
	b, err := buildFrom(cfg, err, services{digests: rt.sched, versions: rt.history})
	if err == nil && ctx.Err() != nil {
		rt.logger.Warn("reload abandoned: the process is stopping; the old config and briefings stay in force", "trigger", why)
		return
	}
	if err == nil {
		err = rt.sched.Replan(b.digests)
	}
	if err != nil {
		problems := strings.Split(err.Error(), "\n")
		outcome := "refused: " + problems[0]
		if len(problems) > 1 {
			outcome += fmt.Sprintf(" (and %d more)", len(problems)-1)
		}
		rt.audit(ctx, why, outcome)
		rt.metrics.reloads.WithLabelValues("refused").Inc()
		rt.metrics.loaded(false)
		rt.logger.Error("reload refused: the old config and briefings stay in force", "trigger", why, "problems", problems)
		return
	}
	changes := describeChanges(rt.current, b)
	saveVersions(ctx, rt.ledger, b, rt.logger)
	rt.core.Swap(b.engine)
	rt.current = b
	rt.audit(ctx, why, "ok: "+changes.summary())
	rt.metrics.reloads.WithLabelValues("ok").Inc()
	rt.metrics.loaded(true)
	rt.logger.Info("reloaded", append([]any{"trigger", why}, changes.logArgs()...)...)
	if rt.platforms.discord != nil {
		if err := rt.platforms.discord.Register(ctx); err != nil {
			rt.logger.Error("reload: discord commands not registered", "err", err)
		}
	}
}

// audit writes the reload to the trail before it is logged, and even while the process stops,
// so that a reader of the log finds it in the trail too.
func (rt *running) audit(ctx context.Context, why, outcome string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := rt.ledger.Audit(ctx, store.AuditEntry{At: time.Now(), Actor: "reload:" + strings.ReplaceAll(why, " ", "-"),
		Action: "reload " + cmp.Or(rt.file, "(built-in config)"), Outcome: outcome})
	if err != nil {
		rt.logger.Error("audit entry not written", "err", err)
	}
}

// serveMetrics serves /metrics on a listener of its own (metrics.listen), bounded as the main
// one is, and returns what stops it.
func serveMetrics(addr string, h http.Handler, logger *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv, capped := boundedServer(ln, mux, 64)
	go srv.Serve(capped)
	logger.Info("metrics listening", "addr", ln.Addr().String())
	return func() { srv.Close() }, nil
}

// versionHistory reads the briefings' earlier versions from the ledger, for /changes and the
// digests' change sections.
func versionHistory(ledger store.Ledger) *bot.VersionHistory {
	return bot.VersionsFrom(func(ctx context.Context, id string, limit int) ([]bot.StoredVersion, error) {
		vs, err := ledger.Versions(ctx, id, limit)
		if err != nil {
			return nil, err
		}
		out := make([]bot.StoredVersion, len(vs))
		for i, v := range vs {
			out[i] = bot.StoredVersion{Version: v.Version, Content: v.Content}
		}
		return out, nil
	})
}

// saveVersions keeps every briefing version loaded, the first time it is seen, so that a later
// edit can be compared with it.
func saveVersions(ctx context.Context, ledger store.Ledger, b *build, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	for _, br := range b.lib.Briefings() {
		_, err := ledger.SaveVersion(ctx, store.Version{Briefing: br.ID, Version: br.Version, SeenAt: time.Now(), Content: br.Content()})
		if err != nil {
			logger.Error("briefing version not kept: /changes will not know it", "briefing", br.ID, "err", err)
		}
	}
}

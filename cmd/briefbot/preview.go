package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"briefbot/bot/preview"
	"briefbot/bot/store"
	"briefbot/config"
)

const previewUsage = `Usage: briefbot preview [--config FILE] [--listen 127.0.0.1:8090] [--public]

Serves a page that shows what each command and digest looks like on Discord, on Slack and in
the terminal, and what is wrong with the config, updated whenever the config file or a briefing
is saved. It never posts. --listen takes a loopback address unless --public is given.
`

// previewRuns is how many of each digest's next runs the page lists.
const previewRuns = 5

func (c *cli) preview(ctx context.Context, args []string) error {
	cmd := c.newCommand("preview", previewUsage)
	listen := cmd.fs.String("listen", "127.0.0.1:8090", "host:port of the page")
	public := cmd.fs.Bool("public", false, "allow a --listen address that other machines can reach")
	if err := c.flagsOnly(cmd, args); err != nil {
		return err
	}
	local, err := loopback(*listen)
	if err != nil {
		fmt.Fprint(c.stderr, previewUsage)
		return usageError("--listen %q is not host:port", *listen)
	}
	if !local && !*public {
		// The page runs commands and shows every briefing: not for the whole network by accident.
		fmt.Fprint(c.stderr, previewUsage)
		return usageError("--listen %s can be reached from other machines; use a loopback address, or add --public", *listen)
	}
	logger := slog.New(slog.NewTextHandler(c.stderr, nil))

	// Without --config the file is briefbot.yaml here, read again at each change, so that
	// creating it is seen too.
	file := *cmd.configFile
	if file == "" {
		file = "briefbot.yaml"
	}
	given := *cmd.configFile != ""
	// The page answers /digest status and draws an admin's Home tab as serve would, from a
	// ledger of its own: in memory, so that it never touches the running bot's.
	ledger, err := store.Open(ctx, "sqlite://:memory:")
	if err != nil {
		return err
	}
	defer ledger.Close()
	st, named, _ := c.previewState(file, given, time.Now(), ledger)
	src := preview.NewLatest(st)
	var hosts []string
	if local {
		hosts = []string{"localhost", "127.0.0.1", "::1"}
		if h, _, _ := net.SplitHostPort(*listen); h != "" {
			hosts = append(hosts, h)
		}
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *listen, err)
	}
	// Open pages hold an event stream each; ending their context ends them, so that a stop is
	// not kept waiting by a browser tab.
	streams, endStreams := context.WithCancel(context.Background())
	defer endStreams()
	srv := &http.Server{
		Handler:           preview.New(src, preview.Options{Hosts: hosts, Logger: logger}),
		ReadHeaderTimeout: 5 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return streams },
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	watchCtx, stopWatch := context.WithCancel(ctx)
	watched := make(chan error, 1)
	// named and changed run on watchFiles' goroutine only, after the reading above; changed reads
	// the files before it returns, so the watcher asks named again without being told.
	go func() {
		watched <- watchFiles(watchCtx, file, func() namedFiles { return named }, nil, func() {
			st, now, ok := c.previewState(file, given, time.Now(), ledger)
			if ok {
				named = now
			}
			src.Set(st)
			logger.Info("files read", "problems", len(st.Problems), "warnings", len(st.Warnings))
		}, logger)
	}()
	fmt.Fprintf(c.stdout, "briefbot preview on http://%s/ (Ctrl-C to stop)\n", ln.Addr())

	select {
	case err = <-served:
		err = fmt.Errorf("preview server: %w", err)
	case err = <-watched:
		if err != nil {
			err = fmt.Errorf("watch files: %w", err)
		}
	case <-ctx.Done():
	}
	stopWatch()
	endStreams()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutdownCtx); serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = fmt.Errorf("shutdown: %w", serr)
	}
	return err
}

// previewState reads the config file (when given, or when briefbot.yaml exists) and everything
// it names, as config check and serve do, and says which files it names. ok is false when the
// file itself could not be read: the caller keeps watching the files it knew.
func (c *cli) previewState(file string, given bool, now time.Time, ledger store.Ledger) (st preview.State, named namedFiles, ok bool) {
	st.Loaded = now
	cfg := config.Default()
	if _, err := os.Stat(file); given || err == nil {
		loaded, err := config.Load(file, c.lookupEnv)
		if err != nil {
			st.Problems = strings.Split(err.Error(), "\n")
			if loaded == nil {
				return st, namedFiles{}, false
			}
			// Read whole, with problems: the files it names are watched, so that creating the
			// calendar file it misses is seen.
			return st, filesNamed(loaded), true
		}
		cfg = loaded
	}
	st.Warnings = cfg.Warnings
	b, err := readFrom(cfg, nil)
	if err == nil {
		var svc services
		if svc, err = postingNothing(b, ledger); err == nil {
			err = b.makeEngine(svc)
		}
	}
	if err != nil {
		st.Problems = strings.Split(err.Error(), "\n")
		return st, filesNamed(cfg), true
	}
	st.Engine = b.engine
	for _, d := range b.digests {
		st.Digests = append(st.Digests, preview.DigestView{Digest: d, Next: d.Schedule.Runs(now, previewRuns)})
	}
	return st, filesNamed(cfg), true
}

// loopback reports whether addr (host:port) listens on this machine only.
func loopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, err
	}
	if strings.EqualFold(host, "localhost") {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

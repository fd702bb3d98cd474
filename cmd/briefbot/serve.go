package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"briefbot/bot"
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
	words, err := c.parse(cmd, args)
	if err != nil {
		return err
	}
	if len(words) > 0 {
		fmt.Fprint(c.stderr, serveUsage)
		return usageError("serve takes no words, only flags")
	}
	// A hang-up asks for a reload; caught from the start, so that one sent early cannot end the
	// process.
	hangups := make(chan os.Signal, 1)
	signal.Notify(hangups, syscall.SIGHUP)
	defer signal.Stop(hangups)

	logger := slog.New(slog.NewJSONHandler(c.stderr, nil))
	b, err := c.build(cmd)
	if err != nil {
		return err
	}
	cfg := b.cfg
	core := bot.NewCore(b.engine, bot.Recover(logger), bot.Log(logger))
	platforms, err := startPlatforms(ctx, b, core, logger)
	if err != nil {
		return err
	}
	defer platforms.close()

	deps := platforms.routes
	deps.logger = logger
	deps.ready = func(context.Context) error {
		if len(core.Engine().Library().Briefings()) == 0 {
			return errors.New("no briefings loaded")
		}
		return nil
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTP.Listen, err)
	}
	srv := &http.Server{
		Handler:           NewServer(deps),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("listening", "addr", ln.Addr().String(), "briefings", len(b.engine.Library().Briefings()),
		"discord", cfg.Discord.Enabled(), "slack", cfg.Slack.Enabled(), "version", version)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
wait:
	for {
		select {
		case err := <-served:
			return fmt.Errorf("http server: %w", err)
		case <-hangups:
			c.reload(ctx, cfg.File, core, platforms, logger)
		case <-ctx.Done():
			break wait
		}
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// reload rebuilds everything that answers from the config file and the briefing folders and puts
// it in force at once; requests in flight finish on the engine they started with. Anything wrong
// keeps the old in force, and the log names each problem at its FILE:LINE.
func (c *cli) reload(ctx context.Context, file string, core *bot.Core, p *platforms, logger *slog.Logger) {
	cfg := config.Default()
	var err error
	if file != "" {
		cfg, err = config.Load(file, c.lookupEnv)
	}
	var b *build
	if err == nil {
		b, err = newBuild(cfg, nil)
	}
	if err != nil {
		logger.Error("reload refused: the old config and briefings stay in force", "problems", strings.Split(err.Error(), "\n"))
		return
	}
	old := core.Swap(b.engine)
	logger.Info("reloaded", "briefings", len(b.engine.Library().Briefings()), "before", len(old.Library().Briefings()))
	if p.discord != nil {
		if err := p.discord.Register(ctx); err != nil {
			logger.Error("reload: discord commands not registered", "err", err)
		}
	}
}

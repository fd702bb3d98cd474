package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
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
	logger := slog.New(slog.NewJSONHandler(c.stderr, nil))
	engine, cfg, err := c.engine(cmd)
	if err != nil {
		return err
	}
	platforms, err := startPlatforms(ctx, cfg, engine, logger)
	if err != nil {
		return err
	}
	defer platforms.close()

	deps := platforms.routes
	deps.logger = logger
	deps.ready = func(context.Context) error {
		if len(engine.Library().Briefings()) == 0 {
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
	logger.Info("listening", "addr", ln.Addr().String(), "briefings", len(engine.Library().Briefings()),
		"discord", cfg.Discord.Enabled(), "slack", cfg.Slack.Enabled(), "version", version)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
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

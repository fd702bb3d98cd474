package main

import (
	"context"
	"log/slog"

	"briefbot/bot"
	"briefbot/config"
)

// platforms are the running adapters and the routes they serve.
type platforms struct {
	routes  serverDeps
	closers []func() error
}

func (p *platforms) close() {
	for i := len(p.closers) - 1; i >= 0; i-- {
		p.closers[i]()
	}
}

// startPlatforms builds every configured adapter and starts what connects out.
func startPlatforms(ctx context.Context, cfg *config.Config, engine *bot.Engine, logger *slog.Logger) (*platforms, error) {
	return &platforms{}, nil
}

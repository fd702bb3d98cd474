package main

import (
	"context"
	"fmt"
	"log/slog"

	"briefbot/bot"
	"briefbot/bot/discord"
	"briefbot/bot/slack"
)

// platforms are the running adapters, the routes they serve and the posters digests use.
type platforms struct {
	routes  serverDeps
	discord *discord.Bot          // nil when Discord is off
	posters map[string]bot.Poster // by config platform name
	closers []func() error
}

func (p *platforms) close() {
	for i := len(p.closers) - 1; i >= 0; i-- {
		p.closers[i]()
	}
}

// startPlatforms builds every configured adapter over core and starts what connects out:
// Discord's command registration and gateway, Slack's Socket Mode.
func startPlatforms(ctx context.Context, b *build, core *bot.Core, logger *slog.Logger) (*platforms, error) {
	p := &platforms{posters: map[string]bot.Poster{}}
	if d := b.cfg.Discord; d.Enabled() || d.Token != "" {
		db, err := discord.New(b.discord, core, logger)
		if err != nil {
			return nil, err
		}
		if d.PublicKey != "" {
			p.routes.discord = db.Handler()
		}
		if err := db.Start(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("discord: %w", err)
		}
		p.discord = db
		p.closers = append(p.closers, db.Close)
		if d.Token != "" {
			p.posters["discord"] = db.Poster()
		}
	}
	if s := b.cfg.Slack; s.Enabled() {
		sb, err := slack.New(b.slack, core, logger)
		if err != nil {
			p.close()
			return nil, err
		}
		if s.SigningSecret != "" {
			p.routes.slackCommands = sb.Commands()
			p.routes.slackInteractivity = sb.Interactivity()
		}
		if err := sb.Start(ctx); err != nil {
			sb.Close()
			p.close()
			return nil, fmt.Errorf("slack: %w", err)
		}
		p.closers = append(p.closers, sb.Close)
		if s.BotToken != "" {
			p.posters["slack"] = sb.Poster()
		}
	}
	return p, nil
}

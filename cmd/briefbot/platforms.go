package main

import (
	"context"
	"fmt"
	"log/slog"

	"briefbot/bot"
	"briefbot/bot/discord"
	"briefbot/bot/slack"
	"briefbot/config"
)

// platforms are the running adapters, the routes they serve and the posters digests use.
type platforms struct {
	routes  serverDeps
	posters map[string]bot.Poster // by config platform name
	closers []func() error
}

func (p *platforms) close() {
	for i := len(p.closers) - 1; i >= 0; i-- {
		p.closers[i]()
	}
}

// startPlatforms builds every configured adapter and starts what connects out: Discord's command
// registration and gateway, Slack's Socket Mode.
func startPlatforms(ctx context.Context, cfg *config.Config, engine *bot.Engine, logger *slog.Logger) (*platforms, error) {
	p := &platforms{posters: map[string]bot.Poster{}}
	if d := cfg.Discord; d.Enabled() || d.Token != "" {
		b, err := discord.New(discord.Config{
			Token: d.Token, ApplicationID: d.ApplicationID, PublicKey: d.PublicKey, Gateway: d.Gateway,
			GuildIDs: d.GuildIDs, APIURL: d.APIURL, AdminRoleIDs: d.AdminRoleIDs,
		}, engine, logger)
		if err != nil {
			return nil, fmt.Errorf("discord: %w", err)
		}
		if d.PublicKey != "" {
			p.routes.discord = b.Handler()
		}
		if err := b.Start(ctx); err != nil {
			b.Close()
			return nil, fmt.Errorf("discord: %w", err)
		}
		p.closers = append(p.closers, b.Close)
		if d.Token != "" {
			p.posters["discord"] = b.Poster()
		}
	}
	if s := cfg.Slack; s.Enabled() {
		b, err := slack.New(slack.Config{
			BotToken: s.BotToken, SigningSecret: s.SigningSecret, AppToken: s.AppToken,
			APIURL: s.APIURL, AdminUserIDs: s.AdminUserIDs,
		}, engine, logger)
		if err != nil {
			p.close()
			return nil, fmt.Errorf("slack: %w", err)
		}
		if s.SigningSecret != "" {
			p.routes.slackCommands = b.Commands()
			p.routes.slackInteractivity = b.Interactivity()
		}
		if err := b.Start(ctx); err != nil {
			b.Close()
			p.close()
			return nil, fmt.Errorf("slack: %w", err)
		}
		p.closers = append(p.closers, b.Close)
		if s.BotToken != "" {
			p.posters["slack"] = b.Poster()
		}
	}
	return p, nil
}

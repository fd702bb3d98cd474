package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"briefbot/bot"
	"briefbot/bot/discord"
	"briefbot/bot/slack"
)

// platforms are the running adapters, the routes they serve and the posters digests use.
type platforms struct {
	routes   serverDeps
	discord  *discord.Bot          // nil when Discord is off
	slack    *slack.Bot            // nil when Slack is off
	posters  map[string]bot.Poster // by config platform name
	closers  []func() error
	starters []starter
}

func (p *platforms) close() {
	for i := len(p.closers) - 1; i >= 0; i-- {
		p.closers[i]()
	}
}

// newPlatforms builds every configured adapter over core, without touching the network: the
// posters exist before the scheduler that needs them, and nothing is answered before start.
// transport wraps each platform's calls to its API (for metrics).
func newPlatforms(b *build, core *bot.Core, logger *slog.Logger,
	transport func(platform string, next http.RoundTripper) http.RoundTripper) (*platforms, error) {
	p := &platforms{posters: map[string]bot.Poster{}}
	if d := b.cfg.Discord; d.Enabled() || d.Token != "" {
		settings := b.discord
		settings.Transport = transport("discord", settings.Transport)
		db, err := discord.New(settings, core, logger)
		if err != nil {
			return nil, err
		}
		if d.PublicKey != "" {
			p.routes.discord = db.Handler()
		}
		p.discord = db
		var poster bot.Poster
		if d.Token != "" {
			poster = db.Poster()
		}
		p.adopt("discord", db.Close, db.Start, poster)
	}
	if s := b.cfg.Slack; s.Enabled() {
		settings := b.slack
		settings.Transport = transport("slack", settings.Transport)
		sb, err := slack.New(settings, core, logger)
		if err != nil {
			p.close()
			return nil, err
		}
		if s.SigningSecret != "" {
			p.routes.slackCommands = sb.Commands()
			p.routes.slackInteractivity = sb.Interactivity()
			p.routes.slackEvents = sb.Events()
		}
		p.slack = sb
		var poster bot.Poster
		if s.BotToken != "" {
			poster = sb.Poster()
		}
		p.adopt("slack", sb.Close, sb.Start, poster)
	}
	return p, nil
}

// adopt keeps an adapter: closed on the way out, started once every adapter is built, and
// posting digests when it can (poster is nil when it has no token).
func (p *platforms) adopt(name string, close func() error, start func(context.Context) error, poster bot.Poster) {
	p.closers = append(p.closers, close)
	p.starters = append(p.starters, starter{name, start})
	if poster != nil {
		p.posters[name] = poster
	}
}

type starter struct {
	name  string
	start func(context.Context) error
}

// start connects out: Discord's command registration and gateway, Slack's Socket Mode.
func (p *platforms) start(ctx context.Context) error {
	for _, s := range p.starters {
		if err := s.start(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return nil
}

// readinessChecks adds each connection the adapters keep to readiness: the Discord gateway (on
// the replica that holds it) and Slack's Socket Mode gate it, since a bot that cannot hear
// commands is not ready; Discord's command registration is shown but does not, since the
// endpoint answers with the commands Discord already has.
func (p *platforms) readinessChecks(rd *readiness, gatewayLeased bool) {
	if p.discord != nil {
		rd.inform("discord.commands", func(context.Context) error { return discordStatus(p.discord, "discord.commands") })
	}
	if gatewayLeased {
		rd.inform("discord.gateway.role", func(context.Context) error {
			held, holder := p.discord.GatewayRole()
			switch {
			case held:
				return nil
			case holder == "":
				return errors.New("held by no replica yet")
			default:
				return fmt.Errorf("held by %s", holder)
			}
		})
		rd.add("discord.gateway", func(context.Context) error {
			if held, _ := p.discord.GatewayRole(); !held {
				return nil // another replica's to keep
			}
			return discordStatus(p.discord, "discord.gateway")
		})
	}
	if p.slack != nil {
		for _, st := range p.slack.Health() {
			name := st.Name
			rd.add(name, func(context.Context) error {
				for _, s := range p.slack.Health() {
					if s.Name == name && !s.Up {
						return errors.New(s.Detail)
					}
				}
				return nil
			})
		}
	}
}

func discordStatus(b *discord.Bot, name string) error {
	for _, s := range b.Health() {
		if s.Name == name && !s.Up {
			return errors.New(s.Detail)
		}
	}
	return nil
}

package discord

import (
	"context"
	"errors"

	"github.com/bwmarrin/discordgo"
)

// openGateway opens the gateway unless it is open. discordgo keeps it open from then on: it
// reconnects after a dropped connection and after heartbeats go unacknowledged. Only the first
// opening is ours to retry, since discordgo's Open does not.
func (b *Bot) openGateway(context.Context) error {
	b.gw.Lock()
	defer b.gw.Unlock()
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return errClosed
	}
	if b.open {
		return nil
	}
	if !b.handlers {
		b.session.AddHandler(b.onInteractionCreate)
		b.handlers = true
	}
	err := b.session.Open()
	if errors.Is(err, discordgo.ErrWSAlreadyOpen) {
		err = nil
	}
	b.health.opened(err, retryable(err), b.now())
	if err != nil {
		return err
	}
	b.open = true
	b.logger.Info("gateway open")
	return nil
}

// OpenGateway opens the gateway now, for a caller that holds the replicas' one gateway role
// (Config.GatewayLeased): every gateway session of a bot receives every interaction, so only
// one replica may hold one.
func (b *Bot) OpenGateway(ctx context.Context) error { return b.openGateway(ctx) }

// CloseGateway closes the gateway and leaves the rest running: another replica took the role.
func (b *Bot) CloseGateway() error {
	b.gw.Lock()
	defer b.gw.Unlock()
	if !b.open {
		return nil
	}
	b.open = false
	b.logger.Info("gateway closed: another replica holds it")
	return b.session.Close()
}

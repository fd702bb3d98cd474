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

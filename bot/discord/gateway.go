package discord

import (
	"context"
	"errors"
	"time"

	"github.com/bwmarrin/discordgo"

	"briefbot/internal/lease"
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

// closeGateway closes the gateway and leaves the rest running: this replica no longer holds
// the gateway role.
func (b *Bot) closeGateway() error {
	b.gw.Lock()
	defer b.gw.Unlock()
	if !b.open {
		return nil
	}
	b.open = false
	b.logger.Info("gateway closed: this replica no longer holds the gateway role")
	return b.session.Close()
}

// Every gateway session of a bot receives every interaction, and replicas would race to answer
// each; so one replica at a time holds the gateway, by a lease on a role in the shared
// ledger. A holder that dies loses the role when its lease runs out, and another replica takes
// it over at its next try: within GatewayLease + GatewayTry.
const (
	gatewayRoleName = "discord-gateway"
	GatewayLease    = 15 * time.Second
	GatewayTry      = 5 * time.Second
)

// LeadGateway holds the gateway (Config.GatewayLeased) while this replica, owner, holds the
// gateway role in ledger, and tries for the role until ctx ends; then it closes the gateway
// and gives the role up. It times the lease on the adapter's clock (Config.Now).
func (b *Bot) LeadGateway(ctx context.Context, ledger lease.Ledger, owner string) {
	role := &lease.Role{Name: gatewayRoleName, Owner: owner, Term: GatewayLease, Every: GatewayTry, Ledger: ledger,
		Now: b.now, Sleep: b.sleep}
	role.Take = func(ctx context.Context) error {
		if err := b.openGateway(ctx); err != nil {
			b.logger.Warn("holds the gateway role but cannot open the gateway; giving it up", "err", err)
			return err
		}
		b.logger.Info("gateway role taken", "owner", owner)
		return nil
	}
	role.Drop = func(holder string, err error) {
		b.closeGateway()
		if ctx.Err() == nil {
			b.logger.Info("gateway role lost", "holder", holder, "err", err)
		}
	}
	b.mu.Lock()
	b.leader = role
	b.mu.Unlock()
	role.Run(ctx)
}

// GatewayRole says, for readiness, whether this replica holds the gateway role, and which
// replica does as last read ("" when none does, or before LeadGateway has asked).
func (b *Bot) GatewayRole() (held bool, holder string) {
	b.mu.Lock()
	role := b.leader
	b.mu.Unlock()
	if role == nil {
		return false, ""
	}
	return role.Status()
}

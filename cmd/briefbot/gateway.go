package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"briefbot/bot/discord"
	"briefbot/bot/store"
)

// Every gateway session of one bot receives every interaction, and replicas would race to
// answer each; so one replica at a time holds the gateway, by a lease in the shared ledger.
// A holder that dies loses the role when its lease runs out, and another replica takes it at
// its next try: within gatewayLease + gatewayTry.
const (
	gatewayRole  = "discord-gateway"
	gatewayLease = 15 * time.Second
	gatewayTry   = 5 * time.Second
)

// gatewayHolder keeps the Discord gateway open on this replica while it holds the role.
type gatewayHolder struct {
	ledger store.Ledger
	bot    *discord.Bot
	owner  string
	logger *slog.Logger

	mu      sync.Mutex
	held    bool
	renewed time.Time // the last lease this replica won
	holder  string    // who holds the role, as last read
}

// run tries for the role every gatewayTry until ctx ends, then gives it up.
func (g *gatewayHolder) run(ctx context.Context) {
	tick := time.NewTicker(gatewayTry)
	defer tick.Stop()
	for {
		g.try(ctx)
		select {
		case <-ctx.Done():
			g.mu.Lock()
			held := g.held
			g.held = false
			g.mu.Unlock()
			if held {
				g.bot.CloseGateway()
				resign, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				g.ledger.Resign(resign, gatewayRole, g.owner)
				cancel()
			}
			return
		case <-tick.C:
		}
	}
}

func (g *gatewayHolder) try(ctx context.Context) {
	now := time.Now()
	won, err := g.ledger.Lease(ctx, gatewayRole, g.owner, gatewayLease, now)
	holder, _ := g.ledger.Holder(ctx, gatewayRole, now)
	g.mu.Lock()
	g.holder = holder
	held := g.held
	if err == nil && won {
		g.renewed = now
	}
	// Without a word from the ledger, a holder keeps the gateway only while its last lease
	// lasts: after that another replica may hold the role. It measures that lease on its own
	// monotonic clock from before it asked, and PostgreSQL's runs on the server's clock from
	// when it answered, so the holder lets go first however far the machines' clocks disagree.
	keep := won || (err != nil && held && now.Sub(g.renewed) < gatewayLease)
	g.mu.Unlock()
	switch {
	case keep && !held:
		if err := g.bot.OpenGateway(ctx); err != nil {
			g.logger.Warn("holds the gateway role but cannot open the gateway; giving it up", "err", err)
			g.ledger.Resign(ctx, gatewayRole, g.owner)
			return
		}
		g.set(true)
		g.logger.Info("gateway role taken", "owner", g.owner)
	case !keep && held:
		g.set(false)
		g.bot.CloseGateway()
		g.logger.Info("gateway role lost", "holder", holder, "err", err)
	}
}

func (g *gatewayHolder) set(held bool) {
	g.mu.Lock()
	g.held = held
	g.mu.Unlock()
}

// status is for readiness: the holder's gateway must be up; a replica that does not hold the
// role is ready, and says who does.
func (g *gatewayHolder) status() (held bool, who string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.held, g.holder
}

func (g *gatewayHolder) describe() string {
	held, who := g.status()
	if held {
		return "held by this replica (" + g.owner + ")"
	}
	if who == "" {
		return "held by no replica yet"
	}
	return fmt.Sprintf("held by %s", who)
}

package main

import (
	"context"
	"errors"
	"time"

	"briefbot/bot"
	"briefbot/bot/schedule"
	"briefbot/bot/store"
)

// readServices makes b's engine over what the running bot answers from the ledger (/digest
// status, /changes, the audit trail), for commands that answer as serve would without being it:
// a scheduler of the config's digests that posts nothing, over the ledger opened read-only. With
// no ledger yet, an empty one stands in: nothing is recorded, and no file is made. The returned
// function closes the ledger.
//
// b is read but has no engine yet (cli.read, readFrom); buildErr is the error of reading it,
// passed on as it is, so that every caller reads one way: read, then readServices.
func readServices(ctx context.Context, b *build, buildErr error) (*bot.Core, func() error, error) {
	if buildErr != nil {
		return nil, nil, buildErr
	}
	ledger, err := store.OpenReadOnly(ctx, b.cfg.Store.DSN)
	if errors.Is(err, store.ErrNoLedger) {
		ledger, err = store.Open(ctx, "sqlite://:memory:")
	}
	if err != nil {
		return nil, nil, err
	}
	svc, err := postingNothing(b, ledger)
	if err == nil {
		err = b.makeEngine(svc)
	}
	if err != nil {
		ledger.Close()
		return nil, nil, err
	}
	return bot.NewCore(b.engine), ledger.Close, nil
}

// postingNothing are the services of an engine that answers as serve would from ledger and
// never posts: a scheduler of b's digests with no posters, and the versions ledger keeps.
func postingNothing(b *build, ledger store.Ledger) (services, error) {
	sched, err := schedule.New(schedule.Config{Digests: b.digests, Ledger: ledger, Owner: owner(),
		Compose: func(context.Context, bot.Digest, time.Time, string) (bot.Reply, string) { return bot.Reply{}, "" }})
	if err != nil {
		return services{}, err
	}
	return services{digests: sched, versions: versionHistory(ledger)}, nil
}

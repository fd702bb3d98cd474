package store

import (
	"testing"
	"time"
)

// BenchmarkClaimMark is the ledger's cost per delivered slot: one claim and one mark.
func BenchmarkClaimMark(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchmarkClaimMark(b, mustOpen(b, sqliteBackend(b))) })
	b.Run("postgres", func(b *testing.B) {
		benchmarkClaimMark(b, mustOpen(b, postgresBackend(postgresDSN(b), realServerClock)(b)))
	})
}

func benchmarkClaimMark(b *testing.B, l Ledger) {
	out := Outcome{Result: Posted, MessageID: "1712345678.000100"}
	i := 0
	for b.Loop() {
		s := Slot{Digest: "morning", Platform: "slack", Channel: "C0123", At: t0.Add(time.Duration(i) * time.Minute)}
		i++
		c, err := l.Claim(ctx, s, "replica-1", slotLease, s.At)
		if err != nil || !c.Taken {
			b.Fatalf("Claim(%v) = %s, %v; want taken", s, describe(c), err)
		}
		if err := l.Mark(ctx, s, "replica-1", out, s.At.Add(time.Second)); err != nil {
			b.Fatal(err)
		}
	}
}

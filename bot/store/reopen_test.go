package store

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"briefbot/bot/bottest"
	"briefbot/bot/store/storetest"
)

// TestSQLiteReopensOnceWritable faults a SQLite ledger's writes, as the machine would: its file
// read-only when the ledger opens it, or turned read-only under an open ledger, or the database
// full. While the fault lasts, Writable says so and writes fail; once it clears, the ledger
// reopens its handle by itself, says so in the log, and takes writes again.
func TestSQLiteReopensOnceWritable(t *testing.T) {
	for _, tc := range []struct {
		name string
		// fault faults the ledger's file at path and returns how to clear the fault.
		fault func(t *testing.T, path string) (clear func())
	}{
		{"opened on a read-only file", func(t *testing.T, path string) func() {
			return storetest.ReadOnly(t, false, path)
		}},
		{"file turned read-only while open", func(t *testing.T, path string) func() {
			// Commits go to the write-ahead log first: it must refuse them too.
			return storetest.ReadOnly(t, true, path, path+"-wal")
		}},
		{"disk full", func(t *testing.T, path string) func() {
			// The ledger is on a small file system of its own (smallDisk), which a file then
			// fills: the write-ahead log cannot grow.
			return fillDisk(t, filepath.Dir(path))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.name == "disk full" {
				dir = smallDisk(t)
			}
			path := filepath.Join(dir, "ledger.db")
			mustOpen(t, sqliteAt(path)).Close()
			var (
				l    Ledger
				logs = &bottest.LogBuffer{}
			)
			open := func(dsn string) {
				var err error
				if l, err = Open(ctx, dsn, WithLogger(slog.New(slog.NewTextHandler(logs, nil)))); err != nil {
					t.Fatalf("Open: %v", err)
				}
				t.Cleanup(func() { l.Close() })
			}
			if tc.name != "opened on a read-only file" {
				open("sqlite://" + path)
				mustClaim(t, l, day(-1), "a", t0)
				if err := l.Writable(ctx); err != nil {
					t.Fatalf("Writable before the fault = %v; want nil", err)
				}
			}
			clear := tc.fault(t, path)
			if l == nil {
				open("sqlite://" + path)
			}

			if _, err := l.Claim(ctx, slot0, "a", slotLease, t0); err == nil {
				t.Fatal("Claim during the fault = nil; want an error")
			}
			// Several reopening attempts, all during the fault.
			for range 3 {
				if err := l.Writable(ctx); err == nil {
					t.Fatal("Writable during the fault = nil; want the fault")
				}
				time.Sleep(reopenEvery / 2)
			}
			if _, _, err := l.Last(ctx, "morning", "slack", "C0123"); err != nil {
				t.Errorf("Last during the fault = %v; want reads to go on", err)
			}
			if strings.Contains(logs.String(), "store reopened") {
				t.Fatalf("log says reopened during the fault:\n%s", logs)
			}

			clear()
			fixed := time.Now()
			for err := l.Writable(ctx); err != nil; err = l.Writable(ctx) {
				if time.Since(fixed) > 5*time.Second {
					t.Fatalf("Writable 5 s after the fault cleared = %v; want nil\n%s", err, logs)
				}
				time.Sleep(50 * time.Millisecond)
			}
			t.Logf("writable again %v after the fault cleared", time.Since(fixed).Round(time.Millisecond))
			if !strings.Contains(logs.String(), "store reopened") {
				t.Errorf("log after the fault cleared:\n%s\nwant it to say the store was reopened", logs)
			}
			if c, err := l.Claim(ctx, slot0, "a", slotLease, t0); err != nil || !c.Taken {
				t.Errorf("Claim after the fault cleared = %s, %v; want taken", describe(c), err)
			}
		})
	}
}

// TestPostgresReopensOnceWritable makes every session of a PostgreSQL ledger read-only, as on a
// server that turned standby, through a seam: the ledger's way to open a new pool opens
// read-only sessions until the test clears the fault. The ledger reports the fault and takes
// writes again, by a new pool, once the server does.
func TestPostgresReopensOnceWritable(t *testing.T) {
	logs := &bottest.LogBuffer{}
	d := postgresBackend(postgresDSN(t), realServerClock)(t)
	d.opts = append(d.opts, WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	l := mustOpen(t, d)
	r := l.(*reopeningLedger)
	var readOnlyServer atomic.Bool
	r.state.Lock()
	open := r.open
	r.open = func(ctx context.Context) (*sqlLedger, error) {
		fresh, err := open(ctx)
		if err == nil && readOnlyServer.Load() {
			makeSessionsReadOnly(t, fresh.db)
		}
		return fresh, err
	}
	r.state.Unlock()
	if err := l.Writable(ctx); err != nil {
		t.Fatalf("Writable = %v; want nil", err)
	}

	readOnlyServer.Store(true)
	makeSessionsReadOnly(t, rawDB(l))
	if _, err := l.Claim(ctx, slot0, "a", slotLease, t0); err == nil || !postgresWriteFault(err) {
		t.Fatalf("Claim on a read-only session = %v; want a read-only error", err)
	}
	for range 3 {
		if err := l.Writable(ctx); err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Fatalf("Writable while the server is read-only = %v; want it to say so", err)
		}
		time.Sleep(reopenEvery / 2)
	}

	readOnlyServer.Store(false)
	cleared := time.Now()
	for err := l.Writable(ctx); err != nil; err = l.Writable(ctx) {
		if time.Since(cleared) > 5*time.Second {
			t.Fatalf("Writable 5 s after the server took writes again = %v; want nil\n%s", err, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "store reopened") {
		t.Errorf("log:\n%s\nwant it to say the store was reopened", logs)
	}
	if c, err := l.Claim(ctx, slot0, "a", slotLease, t0); err != nil || !c.Taken {
		t.Errorf("Claim after the fault cleared = %s, %v; want taken", describe(c), err)
	}
}

// TestWritableCachesItsWrite: probes in a burst cost one write.
func TestWritableCachesItsWrite(t *testing.T) {
	l := mustOpen(t, sqliteBackend(t))
	for range 20 {
		if err := l.Writable(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var writes int
	if err := rawDB(l).QueryRowContext(ctx, `SELECT writes FROM store_health`).Scan(&writes); err != nil {
		t.Fatal(err)
	}
	if writes != 1 {
		t.Errorf("20 Writable calls in a row wrote %d times; want 1 (the answer is kept %v)", writes, writableFor)
	}
}

// makeSessionsReadOnly leaves db one session, read-only.
func makeSessionsReadOnly(t *testing.T, db *sql.DB) {
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY`); err != nil {
		t.Fatalf("make the session read-only: %v", err)
	}
}

// smallDisk mounts a file system of 1 MiB for the test, and skips the test where it cannot
// (without root, or where mount is refused).
func smallDisk(t *testing.T) string {
	dir := t.TempDir()
	if os.Geteuid() != 0 {
		t.Skip("filling a disk takes a file system of its own: mounting one takes root")
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small file system: %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fillDisk fills the file system of dir with a file, and returns how to remove it.
func fillDisk(t *testing.T, dir string) (free func()) {
	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			break // full
		}
	}
	f.Close()
	return func() {
		if err := os.Remove(filler); err != nil {
			t.Error(err)
		}
	}
}

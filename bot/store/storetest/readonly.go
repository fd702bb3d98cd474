// Package storetest faults a ledger's files for tests, as the machine would.
package storetest

import (
	"os"
	"os/exec"
	"sync"
	"testing"
)

// ReadOnly makes paths read-only and returns how to make them writable again, which the test's
// cleanup also does. As root, file modes stop nothing, so the files are made immutable
// (chattr +i), which stops root and handles already open alike; where that cannot be done, the
// test skips. Otherwise the files lose their write bits, which stops new handles only: a test
// that needs handles already open stopped (open) skips.
func ReadOnly(tb testing.TB, open bool, paths ...string) (writable func()) {
	tb.Helper()
	var undo func()
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", append([]string{"+i"}, paths...)...).CombinedOutput(); err != nil {
			tb.Skipf("as root, only an immutable file is read-only, and chattr +i failed: %v %s", err, out)
		}
		undo = func() {
			if out, err := exec.Command("chattr", append([]string{"-i"}, paths...)...).CombinedOutput(); err != nil {
				tb.Errorf("chattr -i: %v %s", err, out)
			}
		}
	} else {
		if open {
			tb.Skip("without root, nothing makes a file read-only to handles already open")
		}
		for _, p := range paths {
			if err := os.Chmod(p, 0o444); err != nil {
				tb.Fatal(err)
			}
		}
		undo = func() {
			for _, p := range paths {
				if err := os.Chmod(p, 0o644); err != nil {
					tb.Error(err)
				}
			}
		}
	}
	var once sync.Once
	tb.Cleanup(func() { once.Do(undo) }) // the test's folder is removed after: it must be writable
	return func() { once.Do(undo) }
}

//go:build unix

package briefings_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"briefbot/briefings"
)

// sized is the valid briefing grown to exactly n bytes by a longer summary.
func sized(t *testing.T, n int) string {
	t.Helper()
	const at = "A summary paragraph.\n"
	pad := n - len(valid)
	if pad < 0 {
		t.Fatalf("sized(%d): the valid briefing is %d bytes already", n, len(valid))
	}
	words := strings.Repeat("river ", pad/6) + strings.Repeat("x", pad%6)
	return strings.Replace(valid, at, strings.TrimSuffix(at, "\n")+words+"\n", 1)
}

// mkfifo makes a named pipe at path, and unblocks at the end of the test anything that opened
// it to read (a loader that opens before looking would wait for a writer for ever).
func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	t.Cleanup(func() {
		if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
}

// loadDirsWithin is LoadDirs, failing the test when it has not returned within d.
func loadDirsWithin(t *testing.T, d time.Duration, dirs ...string) (*briefings.Library, error) {
	t.Helper()
	type result struct {
		lib *briefings.Library
		err error
	}
	done := make(chan result, 1)
	go func() {
		lib, err := briefings.LoadDirs(dirs...)
		done <- result{lib, err}
	}()
	select {
	case r := <-done:
		return r.lib, r.err
	case <-time.After(d):
		t.Fatalf("LoadDirs(%q) has not returned after %v", dirs, d)
		return nil, nil
	}
}

// TestLoadDirsReadsOnlyRegularFiles: a briefings folder holds what anyone put there. A file that
// is not a regular one once links are followed is refused by name without being opened (a named
// pipe blocks whoever opens it, a device may never end), as is one over the size limit, and the
// folder's other files are still checked.
func TestLoadDirsReadsOnlyRegularFiles(t *testing.T) {
	elsewhere := t.TempDir()
	if err := os.WriteFile(filepath.Join(elsewhere, "shared.md"), []byte(withID("shared", false)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		make  func(t *testing.T, dir string)
		want  string // in the error, after the folder; "" for none
		loads string // an id loaded when there is no error
	}{
		{"a named pipe", func(t *testing.T, dir string) { mkfifo(t, filepath.Join(dir, "pipe.md")) },
			"/pipe.md: is a named pipe, not a regular file", ""},
		{"a link to a device", func(t *testing.T, dir string) { symlink(t, "/dev/null", filepath.Join(dir, "null.md")) },
			"/null.md: is a device, not a regular file", ""},
		{"a link to a folder", func(t *testing.T, dir string) { symlink(t, elsewhere, filepath.Join(dir, "folder.md")) },
			"/folder.md: is a folder, not a regular file", ""},
		{"a link to nothing", func(t *testing.T, dir string) {
			symlink(t, filepath.Join(elsewhere, "gone.md"), filepath.Join(dir, "gone.md"))
		},
			"/gone.md: no such file or directory", ""},
		{"a file over the limit", func(t *testing.T, dir string) { write(t, dir, "big.md", sized(t, briefings.MaxFileSize+1)) },
			"/big.md: is 1048577 bytes, more than the limit of 1 MiB (1048576 bytes)", ""},
		{"a file far over the limit", func(t *testing.T, dir string) { write(t, dir, "big.md", sized(t, 3*briefings.MaxFileSize/2)) },
			"/big.md: is 1.5 MiB, more than the limit of 1 MiB", ""},
		{"a file at the limit", func(t *testing.T, dir string) { write(t, dir, "big.md", sized(t, briefings.MaxFileSize)) },
			"", "sample"},
		{"a link to a briefing in another folder", func(t *testing.T, dir string) {
			symlink(t, filepath.Join(elsewhere, "shared.md"), filepath.Join(dir, "shared.md"))
		}, "", "shared"},
		{"a named pipe that is not a briefing's name", func(t *testing.T, dir string) { mkfifo(t, filepath.Join(dir, "notes.txt")) },
			"", "ok"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "ok.md", withID("ok", false))
			tc.make(t, dir)
			lib, err := loadDirsWithin(t, 10*time.Second, dir)
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), dir+tc.want) {
					t.Errorf("LoadDirs = %v; want an error %q", err, dir+tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadDirs = %v", err)
			}
			if _, ok := lib.ByID(tc.loads); !ok {
				t.Errorf("LoadDirs did not load %q", tc.loads)
			}
		})
	}
}

// TestLoadDirsNamesThePlace: a folder or a file that cannot be read is named as the config
// writes it ("./briefings", not "." or a resolved path), and every problem is reported at once.
func TestLoadDirsNamesThePlace(t *testing.T) {
	t.Chdir(t.TempDir())
	write(t, "briefings", "ok.md", withID("ok", false))
	symlink(t, "nowhere.md", filepath.Join("briefings", "gone.md"))
	write(t, ".", "plain", "not a folder")
	mkfifo(t, "pipe")
	tests := []struct {
		name string
		dirs []string
		want []string
	}{
		{"a missing folder", []string{"./missing"}, []string{"briefings folder ./missing: no such file or directory"}},
		{"a file for a folder", []string{"./plain"}, []string{"briefings folder ./plain: is not a folder"}},
		{"a named pipe for a folder", []string{"./pipe"}, []string{"briefings folder ./pipe: is not a folder"}},
		{"a link to nothing in a folder", []string{"./briefings"}, []string{"./briefings/gone.md: no such file or directory"}},
		{"a trailing slash", []string{"./briefings/"}, []string{"./briefings/gone.md: no such file or directory"}},
		{"every problem at once", []string{"./missing", "./briefings"}, []string{
			"briefings folder ./missing: no such file or directory", "./briefings/gone.md: no such file or directory"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadDirsWithin(t, 10*time.Second, tc.dirs...)
			for _, want := range tc.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("LoadDirs(%q) = %v; want it to say %q", tc.dirs, err, want)
				}
			}
		})
	}

	t.Run("unreadable", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads what its permissions forbid")
		}
		write(t, "locked", "ok.md", withID("ok", false))
		write(t, "shut", "ok.md", withID("ok", false))
		chmod(t, filepath.Join("locked", "ok.md"), 0)
		chmod(t, "shut", 0)
		_, err := loadDirsWithin(t, 10*time.Second, "./locked", "./shut")
		for _, want := range []string{"./locked/ok.md: permission denied", "briefings folder ./shut: permission denied"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("LoadDirs = %v; want it to say %q", err, want)
			}
		}
	})
}

// TestReadFSChecksEveryFS: the checks hold whatever the files come from, a test's MapFS too.
func TestReadFSChecksEveryFS(t *testing.T) {
	fsys := fstest.MapFS{
		"ok.md":   {Data: []byte(withID("ok", false))},
		"big.md":  {Data: []byte(sized(t, 2*briefings.MaxFileSize))},
		"pipe.md": {Mode: fs.ModeNamedPipe},
	}
	bs, err := briefings.ReadFS(fsys, "mem")
	for _, want := range []string{"mem/big.md: is 2 MiB, more than the limit of 1 MiB", "mem/pipe.md: is a named pipe, not a regular file"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadFS = %v; want it to say %q", err, want)
		}
	}
	var problem *briefings.Error
	if !errors.As(err, &problem) || problem.Line != 0 {
		t.Errorf("ReadFS error = %#v; want a briefings.Error with no line", err)
	}
	if len(bs) != 1 || bs[0].ID != "ok" {
		t.Errorf("ReadFS read %d briefings; want ok.md's only", len(bs))
	}
}

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(path, 0o755) })
}

package main

import (
	"context"
	"crypto/sha256"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"slices"
	"time"

	"github.com/fsnotify/fsnotify"

	"briefbot/briefings"
	"briefbot/config"
	"briefbot/internal/diskfile"
)

// debounce is how long the files must be quiet before a change is acted on: an editor's save is
// a burst of writes, renames and creates.
const debounce = 150 * time.Millisecond

// watchFiles calls changed when the content of the config file or of any file in the briefing
// folders changes, until ctx ends. It watches folders, not files, so that editors that save by
// renaming a new file into place and Kubernetes' ConfigMap symlink swaps are seen alike, and it
// compares a hash of the contents rather than trusting event kinds, which differ by system.
// folders is asked again after every change, since a reload may name other folders.
func watchFiles(ctx context.Context, file string, folders func() []string, changed func(), logger *slog.Logger) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	watched := map[string]bool{}
	sync := func() []string {
		dirs := append([]string{filepath.Dir(file)}, folders()...)
		for _, d := range dirs {
			if !watched[d] {
				if err := w.Add(d); err != nil {
					logger.Warn("cannot watch a folder; its changes need a SIGHUP", "folder", d, "err", err)
					continue
				}
				watched[d] = true
			}
		}
		for d := range watched {
			if !slices.Contains(dirs, d) {
				w.Remove(d)
				delete(watched, d)
			}
		}
		return dirs[1:]
	}
	dirs := sync()
	last := contentHash(file, dirs)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			logger.Warn("file watcher", "err", err)
		case _, ok := <-w.Events:
			if !ok {
				return nil
			}
			timer.Reset(debounce)
		case <-timer.C:
			if h := contentHash(file, dirs); h != last {
				// last is what was seen before acting, never what is seen after: a save made
				// while the change is acted on must still count as a change.
				last = h
				changed()
				if now := sync(); !slices.Equal(now, dirs) {
					dirs = now
					timer.Reset(debounce) // the new folders' files are hashed, and seen as a change, next
				}
			}
		}
	}
}

// contentHash sums the config file and every file in the folders, by name and content,
// following symlinks as a reader of the files would. It opens only regular files within the size
// a reload reads (a named pipe would block the watcher for good, /dev/zero would never end); any
// other file counts by what is wrong with it, so that one appearing is a change, and the reload
// it causes names it.
func contentHash(file string, dirs []string) [sha256.Size]byte {
	h := sha256.New()
	add := func(path string, limit int64) {
		f, err := diskfile.Open(path, limit)
		if err != nil {
			io.WriteString(h, path+"\x00"+err.Error()+"\x00")
			return
		}
		defer f.Close()
		io.WriteString(h, path+"\x00")
		io.Copy(h, io.LimitReader(f, limit+1))
	}
	add(file, config.MaxFileSize)
	for _, d := range dirs {
		entries, err := fs.ReadDir(diskfile.DirFS(d), ".")
		if err != nil {
			io.WriteString(h, d+"\x00"+err.Error()+"\x00")
		}
		for _, e := range entries {
			add(filepath.Join(d, e.Name()), briefings.MaxFileSize)
		}
	}
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

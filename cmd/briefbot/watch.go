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
	"briefbot/internal/calendar"
	"briefbot/internal/diskfile"
)

// debounce is how long the files must be quiet before a change is acted on: an editor's save is
// a burst of writes, renames and creates.
const debounce = 150 * time.Millisecond

// namedFiles are the files a config names besides itself, whose saves count as saves of the
// config: every file in the briefing folders, and the digests' calendar files.
type namedFiles struct {
	folders   []string
	calendars []string
}

// filesNamed are the files cfg names.
func filesNamed(cfg *config.Config) namedFiles {
	named := namedFiles{folders: cfg.Briefings.Dirs}
	for _, d := range cfg.Digests {
		if d.CalendarFile != "" && !slices.Contains(named.calendars, d.CalendarFile) {
			named.calendars = append(named.calendars, d.CalendarFile)
		}
	}
	return named
}

func (n namedFiles) equal(o namedFiles) bool {
	return slices.Equal(n.folders, o.folders) && slices.Equal(n.calendars, o.calendars)
}

// watchFiles calls changed when the content of the config file, of any file in the briefing
// folders or of a calendar file changes, until ctx ends. It watches folders, not files, so that
// editors that save by renaming a new file into place and Kubernetes' ConfigMap symlink swaps
// are seen alike, and it compares a hash of the contents rather than trusting event kinds,
// which differ by system. named is asked again after every change, and whenever renamed says
// so, since a reload may name other files: one that runs on its own goroutine says so when it
// has read them.
func watchFiles(ctx context.Context, file string, named func() namedFiles, renamed <-chan struct{}, changed func(), logger *slog.Logger) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	watched := map[string]bool{}
	sync := func() namedFiles {
		files := named()
		dirs := append([]string{filepath.Dir(file)}, files.folders...)
		for _, c := range files.calendars {
			dirs = append(dirs, filepath.Dir(c))
		}
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
		return files
	}
	files := sync()
	last := contentHash(file, files)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	// follow watches the files named now; their content is hashed, and seen as a change, next:
	// a save made to one before it was watched must not be lost.
	follow := func() {
		if now := sync(); !now.equal(files) {
			files = now
			timer.Reset(debounce)
		}
	}
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
		case <-renamed:
			follow()
		case <-timer.C:
			if h := contentHash(file, files); h != last {
				// last is what was seen before acting, never what is seen after: a save made
				// while the change is acted on must still count as a change.
				last = h
				changed()
				follow()
			}
		}
	}
}

// contentHash sums the config file, every file in the folders and the calendar files, by name
// and content, following symlinks as a reader of the files would. It opens only regular files
// within the size a reload reads (a named pipe would block the watcher for good, /dev/zero would
// never end); any other file counts by what is wrong with it, so that one appearing is a change,
// and the reload it causes names it.
func contentHash(file string, named namedFiles) [sha256.Size]byte {
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
	for _, d := range named.folders {
		entries, err := fs.ReadDir(diskfile.DirFS(d), ".")
		if err != nil {
			io.WriteString(h, d+"\x00"+err.Error()+"\x00")
		}
		for _, e := range entries {
			add(filepath.Join(d, e.Name()), briefings.MaxFileSize)
		}
	}
	for _, c := range named.calendars {
		add(c, calendar.MaxFileSize)
	}
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

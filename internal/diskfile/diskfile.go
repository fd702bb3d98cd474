// Package diskfile reads the files a person puts on disk for the bot (the config file, the
// briefing folders) without trusting what they are. Only regular files and folders are opened:
// opening a named pipe blocks until something writes to it, and a device such as /dev/zero
// never ends. What a path is gets checked before it is opened, and what was opened is checked
// again, since the path can be swapped in between; the open is non-blocking, so that a pipe
// swapped in cannot block it. A file over its size limit is refused without being read.
//
// Errors from Open and ReadAll do not name the path: the caller names it as its user wrote it
// (the config's "./briefings", not the resolved path).
package diskfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// A KindError is a path that is not the kind of thing it should be.
type KindError struct {
	Is   string // what it is: "a named pipe", "a device", "a folder", ...
	Want string // what it should be: "a regular file" or "a folder"
}

func (e *KindError) Error() string { return "is " + e.Is + ", not " + e.Want }

// A TooLargeError is a file over its size limit.
type TooLargeError struct {
	Size  int64 // 0 when the file grew past the limit while it was read
	Limit int64
}

func (e *TooLargeError) Error() string {
	switch size, limit := Size(e.Size), Size(e.Limit); {
	case e.Size <= 0:
		return "is more than the limit of " + limit
	case size == limit: // just over: rounded, the two would read the same
		return fmt.Sprintf("is %d bytes, more than the limit of %s (%d bytes)", e.Size, limit, e.Limit)
	default:
		return "is " + size + ", more than the limit of " + limit
	}
}

// Size says a number of bytes as a person reads it: "1 MiB", "9.5 MiB", "300 bytes".
func Size(n int64) string {
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	v, unit := float64(n)/1024, units[0]
	for _, u := range units[1:] {
		if v < 1024 {
			break
		}
		v, unit = v/1024, u
	}
	s := fmt.Sprintf("%.1f", v)
	return strings.TrimSuffix(s, ".0") + " " + unit
}

// kind is what a caller accepts.
type kind int

const (
	regularFile kind = iota
	folder
	regularFileOrFolder
)

func (k kind) String() string {
	if k == folder {
		return "a folder"
	}
	return "a regular file"
}

// CheckFile judges what info describes as a file to read: a regular file of at most limit bytes.
func CheckFile(info fs.FileInfo, limit int64) error { return check(info, regularFile, limit) }

// check judges info against what is wanted, and a regular file's size against limit (0: none).
func check(info fs.FileInfo, want kind, limit int64) error {
	mode := info.Mode()
	switch {
	case mode.IsRegular() && want != folder:
		if limit > 0 && info.Size() > limit {
			return &TooLargeError{Size: info.Size(), Limit: limit}
		}
		return nil
	case mode.IsDir() && want != regularFile:
		return nil
	}
	return &KindError{Is: describe(mode), Want: want.String()}
}

func describe(mode fs.FileMode) string {
	switch {
	case mode.IsRegular():
		return "a regular file"
	case mode.IsDir():
		return "a folder"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// open opens path for reading once it is known to be what is wanted, and checks again what it
// opened.
func open(path string, want kind, limit int64) (*os.File, error) {
	info, err := os.Stat(path) // follows links: the file read is the one that counts
	if err != nil {
		return nil, Reason(err)
	}
	if err := check(info, want, limit); err != nil {
		return nil, err
	}
	// Non-blocking, so that a named pipe swapped in since the look cannot block the open; reading
	// a regular file or a folder is the same either way.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, Reason(err)
	}
	info, err = f.Stat()
	if err == nil {
		err = check(info, want, limit)
	}
	if err != nil {
		f.Close()
		return nil, Reason(err)
	}
	return f, nil
}

// Reason is err without the path that an os or fs call put in it, for a message that names the
// place itself.
func Reason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Open opens the regular file at path (links followed) for reading, refusing anything else, and
// a file larger than limit bytes.
func Open(path string, limit int64) (*os.File, error) {
	return open(path, regularFile, limit)
}

// ReadAll reads r to its end, refusing more than limit bytes: a file's size may change between
// the look at it and the read.
func ReadAll(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, Reason(err)
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	return data, nil
}

// DirFS is os.DirFS(dir) for a folder a person fills: it opens only regular files and folders,
// each checked before and after the open, and never blocks opening one. It does not limit
// sizes; a reader takes what it needs with Stat and ReadAll.
func DirFS(dir string) fs.FS { return dirFS(dir) }

type dirFS string

var (
	_ fs.StatFS    = dirFS("")
	_ fs.ReadDirFS = dirFS("")
)

func (d dirFS) join(op, name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return filepath.Join(string(d), filepath.FromSlash(name)), nil
}

func (d dirFS) Open(name string) (fs.File, error) {
	path, err := d.join("open", name)
	if err != nil {
		return nil, err
	}
	f, err := open(path, regularFileOrFolder, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return f, nil
}

func (d dirFS) Stat(name string) (fs.FileInfo, error) {
	path, err := d.join("stat", name)
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: Reason(err)}
	}
	return info, nil
}

// ReadDir lists a folder sorted by name, as fs.ReadDir does.
func (d dirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	path, err := d.join("readdir", name)
	if err != nil {
		return nil, err
	}
	f, err := open(path, folder, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	if err != nil {
		return entries, &fs.PathError{Op: "readdir", Path: name, Err: Reason(err)}
	}
	return entries, nil
}

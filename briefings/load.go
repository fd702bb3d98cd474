package briefings

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"

	"briefbot/internal/diskfile"
)

// An Error is one thing wrong with a briefing file, at a line of it.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// MaxFileSize is the largest briefing file read, 1 MiB: the built-in briefing is under 7 KiB,
// and parsing and indexing take many times a file's size in memory, so a larger file is refused
// whole (README, "Adding a briefing").
const MaxFileSize = 1 << 20

// ReadFS parses every .md file of fsys, walking its folders in lexical order. A file with any
// error is refused whole; the errors of every file are returned together. prefix is put before
// file names in errors (the folder the files came from, as its user wrote it). Only regular files
// of at most MaxFileSize are read; for a folder on disk, pass diskfile.DirFS, which never opens
// anything else.
func ReadFS(fsys fs.FS, prefix string) ([]*Briefing, error) {
	var briefings []*Briefing
	var errs []error
	// The walk ends only when it is done: every problem is collected on the way.
	_ = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			// A folder that cannot be read is a problem like a bad file: the others are still
			// read, so that every problem is reported at once.
			errs = append(errs, fmt.Errorf("briefings folder %s: %w", named(prefix, name), diskfile.Reason(err)))
			return nil
		}
		if name == "." && !d.IsDir() {
			errs = append(errs, fmt.Errorf("briefings folder %s: is not a folder", named(prefix, name)))
			return nil
		}
		// Hidden entries are not briefings: an editor's lock file (.#river.md), or the ..data and
		// ..2025_xx folders behind a Kubernetes ConfigMap, whose files show at the top as links.
		if name != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || path.Ext(name) != ".md" || strings.EqualFold(d.Name(), "README.md") {
			return nil
		}
		src, err := readFile(fsys, name)
		if err != nil {
			errs = append(errs, &Error{File: named(prefix, name), Msg: diskfile.Reason(err).Error()})
			return nil
		}
		b, err := Parse(named(prefix, name), src)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		briefings = append(briefings, b)
		return nil
	})
	return briefings, errors.Join(errs...)
}

// readFile reads one briefing file: a regular file (a link is followed) of at most MaxFileSize.
// What it is gets looked at before it is opened, and again once it is, since it may have been
// swapped in between.
func readFile(fsys fs.FS, name string) ([]byte, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if err := diskfile.CheckFile(info, MaxFileSize); err != nil {
		return nil, err
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := diskfile.CheckFile(info, MaxFileSize); err != nil {
		return nil, err
	}
	return diskfile.ReadAll(f, MaxFileSize)
}

// named is how errors name an entry of the folder prefix: under the folder as its user wrote it
// ("./briefings/x.md", where path.Join would drop the "./").
func named(prefix, name string) string {
	switch {
	case prefix == "":
		return name
	case name == ".":
		return prefix
	}
	return strings.TrimSuffix(prefix, "/") + "/" + name
}

// Load reads every briefing of fsys into a library.
func Load(fsys fs.FS) (*Library, error) {
	bs, err := ReadFS(fsys, "")
	if err != nil {
		return nil, err
	}
	return NewLibrary(bs...)
}

// Limits on what users pick from: chat platforms offer choices of at most 100 characters, and a
// button carries a command naming the briefing.
const (
	MaxID   = 64
	MaxName = 100
)

func tooLong(s string) bool { return utf8.RuneCountInString(s) > MaxName }

// Parse reads one briefing file: YAML front matter between two "---" lines, then Markdown.
// file names the file in errors.
func Parse(file string, src []byte) (*Briefing, error) {
	p := &parser{file: file}
	b := p.parse(src)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	b.raw = string(src)
	b.Version = version(src)
	return b, nil
}

type parser struct {
	file    string
	errs    []error
	aliases []pendingAlias // read with the front matter, applied once the issues are known
}

type pendingAlias struct {
	issue string
	names []string
	line  int
}

func (p *parser) errorf(line int, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) parse(src []byte) *Briefing {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	lines := bytes.SplitAfter(src, []byte("\n"))
	if len(lines) == 0 || strings.TrimSpace(string(lines[0])) != "---" {
		p.errorf(1, "no front matter: the file must start with a line \"---\", then id, title and parties")
		return nil
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(string(lines[i])) == "---" {
			end = i
			break
		}
	}
	if end < 0 {
		p.errorf(1, "front matter is not closed: no second \"---\" line")
		return nil
	}
	matter := bytes.Join(lines[1:end], nil)
	body := bytes.Join(lines[end+1:], nil)
	bodyLine := end + 2 // the file line on which body starts

	b := p.frontMatter(matter)
	if b == nil {
		return nil
	}
	p.body(b, body, bodyLine)
	if len(p.errs) > 0 {
		return nil
	}
	p.index(b)
	return b
}

// index prepares what every answer needs, once: the source line and the sections' resolver.
func (p *parser) index(b *Briefing) {
	b.sourceLine = b.SourceLine()
	if b.sections == nil {
		b.sections = NewResolver()
	}
	for _, s := range b.Sections {
		_ = b.sections.Add(s.Slug, s.Title) // slugs were checked unique while parsing
	}
}

// version names a file's content; 12 hex digits keep a collision between two edits of one
// briefing out of reach while staying short enough to show.
func version(src []byte) string {
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:6])
}

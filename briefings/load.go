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

// ReadFS parses every .md file of fsys, walking its folders in lexical order. A file with any
// error is refused whole; the errors of every file are returned together. prefix is put before
// file names in errors (the folder the files came from).
func ReadFS(fsys fs.FS, prefix string) ([]*Briefing, error) {
	var briefings []*Briefing
	var errs []error
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
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
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		b, err := Parse(path.Join(prefix, name), src)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		briefings = append(briefings, b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read briefings: %w", err)
	}
	return briefings, errors.Join(errs...)
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

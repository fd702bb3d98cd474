package briefings

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"briefbot/internal/diskfile"
)

//go:embed data/*.md
var embedded embed.FS

// Embedded is the folder of briefings built into the binary.
func Embedded() fs.FS {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		panic(err) // the pattern above guarantees the folder
	}
	return sub
}

// EmbeddedPrefix names the embedded files in errors and in /help.
const EmbeddedPrefix = "briefings/data"

// A Library is the set of loaded briefings, each known by its id.
type Library struct {
	briefings []*Briefing
	byID      map[string]*Briefing
	resolver  *Resolver
	index     *index
}

// NewLibrary gathers briefings, refusing two with the same id.
func NewLibrary(bs ...*Briefing) (*Library, error) {
	lib := &Library{byID: map[string]*Briefing{}, resolver: NewResolver()}
	var errs []error
	for _, b := range bs {
		if first, dup := lib.byID[b.ID]; dup {
			errs = append(errs, &Error{File: b.File, Line: b.idLine,
				Msg: fmt.Sprintf("duplicate id %q: %s:%d has it already", b.ID, first.File, first.idLine)})
			continue
		}
		if err := lib.resolver.Add(b.ID, b.Title); err != nil {
			errs = append(errs, &Error{File: b.File, Line: b.idLine, Msg: fmt.Sprintf("title clashes with another briefing: %v", err)})
			continue
		}
		lib.byID[b.ID] = b
		lib.briefings = append(lib.briefings, b)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	lib.index = buildIndex(lib.briefings)
	return lib, nil
}

// LoadEmbedded loads the briefings built into the binary.
func LoadEmbedded() (*Library, error) {
	bs, err := ReadFS(Embedded(), EmbeddedPrefix)
	if err != nil {
		return nil, err
	}
	return NewLibrary(bs...)
}

// Briefings lists the briefings in load order.
func (l *Library) Briefings() []*Briefing { return l.briefings }

// ByID returns the briefing with exactly that id.
func (l *Library) ByID(id string) (*Briefing, bool) {
	b, ok := l.byID[id]
	return b, ok
}

// Find resolves what a user typed to a briefing: id, title, prefix or typo.
func (l *Library) Find(query string) (*Briefing, bool) {
	if b, ok := l.byID[query]; ok {
		return b, true
	}
	m, ok := l.resolver.Resolve(query)
	if !ok {
		return nil, false
	}
	return l.byID[m.Key], true
}

// Resolver ranks briefings, for suggestions and autocomplete.
func (l *Library) Resolver() *Resolver { return l.resolver }

// Overlay gathers the built-in briefings and those read from disk into one library. A file on
// disk may take the place of a built-in briefing only by saying so ("replaces: true" in its front
// matter): an id that clashes by accident is refused, as are two files on disk with one id. The
// replacement keeps the built-in one's place in the order.
func Overlay(builtin, disk []*Briefing) (*Library, error) {
	all := append([]*Briefing(nil), builtin...)
	at := map[string]int{}
	for i, b := range builtin {
		if _, dup := at[b.ID]; !dup {
			at[b.ID] = i
		}
	}
	var errs []error
	replaced := map[string]*Briefing{}
	for _, b := range disk {
		i, clash := at[b.ID]
		switch {
		case !clash:
			all = append(all, b) // NewLibrary refuses two such files with one id
		case replaced[b.ID] != nil:
			first := replaced[b.ID]
			errs = append(errs, &Error{File: b.File, Line: b.idLine,
				Msg: fmt.Sprintf("duplicate id %q: %s:%d has it already", b.ID, first.File, first.idLine)})
		case !b.Replaces:
			errs = append(errs, &Error{File: b.File, Line: b.idLine,
				Msg: fmt.Sprintf("id %q is the built-in briefing's (%s): add \"replaces: true\" to the front matter to replace it, or choose another id", b.ID, builtin[i].File)})
		default:
			replaced[b.ID] = b
			all[i] = b
		}
	}
	lib, err := NewLibrary(all...)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return lib, nil
}

// LoadDirs loads the built-in briefings and every .md file of the folders on disk, by Overlay's
// rules. It reports every bad file of every folder at once, and loads nothing if there is one.
func LoadDirs(dirs ...string) (*Library, error) {
	builtin, err := ReadFS(Embedded(), EmbeddedPrefix)
	if err != nil {
		return nil, err
	}
	var disk []*Briefing
	var errs []error
	for _, dir := range dirs {
		bs, err := ReadFS(diskfile.DirFS(dir), dir)
		if err != nil {
			errs = append(errs, err)
		}
		disk = append(disk, bs...)
	}
	lib, err := Overlay(builtin, disk)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return lib, nil
}

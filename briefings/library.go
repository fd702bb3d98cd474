package briefings

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
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

// Search returns up to limit passages across every briefing that contain all the words.
func (l *Library) Search(words []string, limit int) []Hit {
	folded := make([]string, 0, len(words))
	for _, w := range words {
		if w = fold(w); w != "" {
			folded = append(folded, w)
		}
	}
	var hits []Hit
	for _, b := range l.briefings {
		hits = append(hits, b.Search(folded, limit-len(hits))...)
		if len(hits) >= limit {
			break
		}
	}
	return hits
}

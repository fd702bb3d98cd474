// Package importer turns an article (plain text, Markdown or a saved web page) into a draft
// briefing in the format the briefings loader reads, and accounts for every sentence and table
// cell of the article in a report: where it went in the draft, or why it was left out.
//
// The draft never rewrites the article. Each sentence is the article's, byte for byte once
// quotes are straightened and white space evened out (see normalize); what the importer adds is
// structure: front matter, section headings, the positions table, list labels (a figure, a
// date) taken from the sentence they label. Anything the importer guesses (a title cut from the
// lead, a date from the text, party names from column headers) is named in the report's notes.
package importer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"briefbot/briefings"
	"briefbot/internal/diskfile"
)

// Options steer an import.
type Options struct {
	// ID is the briefing's id; by default it is made from the title.
	ID string
}

// A Draft is an imported briefing: its Markdown, the briefing the loader reads from it, and the
// report on the article's sentences and cells.
type Draft struct {
	ID       string
	Markdown []byte
	Briefing *briefings.Briefing
	Report   Report
}

// ErrNoPositions is an article without a table to compare its parties by: every briefing has one.
var ErrNoPositions = errors.New("has no table of positions, which every briefing needs " +
	"(write one into the article as a pipe table, an issue column then one column per party, and import again)")

// ReadFile reads an article from disk: a regular file of at most MaxArticleSize bytes.
func ReadFile(path string) ([]byte, error) {
	f, err := diskfile.Open(path, MaxArticleSize)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return diskfile.ReadAll(f, MaxArticleSize)
}

// Import reads the article src (name is its file name, which tells its format and names it in
// the report) and makes a draft briefing of it. When the article was read but the draft cannot
// load (it has no positions table, say), Import returns the draft with its report, for the
// caller to show where everything would have gone, and the error.
func Import(name string, src []byte, opt Options) (*Draft, error) {
	a, err := Read(name, src)
	if err != nil {
		return nil, err
	}
	return Build(name, a, opt)
}

// Build makes a draft briefing of an article already read.
func Build(name string, a *Article, opt Options) (*Draft, error) {
	if opt.ID != "" && (briefings.Slug(opt.ID) != opt.ID || len(opt.ID) > briefings.MaxID) {
		return nil, fmt.Errorf("id %q must be at most %d lower case letters, digits and hyphens (%q)",
			opt.ID, briefings.MaxID, briefings.Slug(opt.ID))
	}
	b := &builder{a: a, name: filepath.Base(name)}
	b.report.Article, b.report.Format = b.name, a.Format
	b.collect()
	d := &Draft{Report: b.report}
	if err := b.frontMatter(opt); err != nil {
		for i := range b.items {
			b.items[i].LeftOut = "no draft was made: the article " + firstLine(err)
		}
		d.Report = b.finishReport()
		return d, err
	}
	b.extras()
	md, lb, err := b.load()
	d.ID, d.Markdown, d.Briefing, d.Report = b.id, md, lb, b.finishReport()
	return d, err
}

func (b *builder) finishReport() Report {
	r := b.report
	r.ID = b.id
	r.Items = b.items
	r.Notes = b.notes
	r.count()
	return r
}

// load writes the draft and reads it back with the loader until it loads: a figure or a date
// the loader refuses is taken out of its list with the loader's reason, which the report keeps.
// Once it loads, the timeline is written again in the loader's order, oldest first, and every
// placement is checked against what the loader read.
func (b *builder) load() ([]byte, *briefings.Briefing, error) {
	file := b.id + ".md"
	for attempt := 0; ; attempt++ {
		md, lines := b.render()
		lb, err := briefings.Parse(file, md)
		if err == nil {
			b.orderTimeline(lb)
			md, _ = b.render()
			if lb, err = briefings.Parse(file, md); err != nil {
				return md, nil, fmt.Errorf("the draft does not load: %w", err)
			}
			b.verify(lb)
			if len(md) > briefings.MaxFileSize {
				return md, lb, fmt.Errorf("the draft is %s, more than a briefing may be (%s)",
					diskfile.Size(int64(len(md))), diskfile.Size(briefings.MaxFileSize))
			}
			return md, lb, nil
		}
		if attempt > 2 || !b.dropRefused(err, lines) {
			return md, nil, fmt.Errorf("the draft does not load: %s", firstLine(err))
		}
	}
}

// dropRefused takes out of the draft the list entries the loader refused; it reports whether
// every error was one of those, so that another try may load.
func (b *builder) dropRefused(err error, lines map[int]*entry) bool {
	all := true
	for _, e := range unjoin(err) {
		var le *briefings.Error
		if !errors.As(e, &le) || lines[le.Line] == nil {
			all = false
			continue
		}
		en := lines[le.Line]
		en.refused = le.Msg
	}
	return all
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// verify checks that every placed sentence and cell is in what the loader read, word for word:
// the report never claims a place the draft does not give.
func (b *builder) verify(lb *briefings.Briefing) {
	var sb strings.Builder
	add := func(ss ...string) {
		for _, s := range ss {
			sb.WriteString(s)
			sb.WriteByte('\n')
		}
	}
	add(lb.Title, lb.Source, lb.PositionsIntro)
	for _, p := range lb.Parties {
		add(p.Name)
	}
	for _, s := range lb.Sections {
		for _, bl := range s.Blocks {
			add(bl.Label, bl.Text)
		}
	}
	for _, is := range lb.Issues {
		add(is.Name)
		add(is.Positions...)
	}
	for _, f := range lb.Facts {
		add(f.Figure, f.Text, f.Source)
	}
	for _, e := range lb.Events {
		add(e.When, e.Text)
	}
	loaded := sb.String()
	labels := map[int]bool{} // the header cells: labels the draft writes its own way
	for _, i := range b.header {
		labels[i] = true
	}
	for i := range b.items {
		it := &b.items[i]
		if it.Placed() && it.Kind != "heading" && !labels[i] && !strings.Contains(loaded, it.Text) {
			it.Where = nil
			it.LeftOut = "the draft could not hold it word for word (a fault of the importer; please report it)"
		}
	}
}

// WriteFile writes a draft as DIR/ID.md, refusing to replace a file there unless force: an
// analyst's edits to an earlier draft are not lost to a second import. It returns the path.
func (d *Draft) WriteFile(dir string, force bool) (string, error) {
	path := filepath.Join(dir, d.ID+".md")
	if !force {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			if errors.Is(err, os.ErrExist) {
				return path, fmt.Errorf("%s exists: import with --force to replace it", path)
			}
			return path, err
		}
		if _, err := f.Write(d.Markdown); err != nil {
			f.Close()
			os.Remove(path)
			return path, err
		}
		return path, f.Close()
	}
	// Replacing: write beside it and rename, so that the old file stays whole until the new one is.
	tmp, err := os.CreateTemp(dir, "."+d.ID+".*.md")
	if err != nil {
		return path, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(d.Markdown); err != nil {
		tmp.Close()
		return path, err
	}
	if err := tmp.Close(); err != nil {
		return path, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return path, err
	}
	return path, os.Rename(tmp.Name(), path)
}

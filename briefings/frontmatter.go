package briefings

import (
	"errors"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"briefbot/internal/yamlfile"
)

type frontMatter struct {
	ID      string              `yaml:"id"`
	Title   string              `yaml:"title"`
	Source  string              `yaml:"source"`
	Date    string              `yaml:"date"`
	Parties []partyMatter       `yaml:"parties"`
	Aliases map[string][]string `yaml:"aliases"`
	// Replaces lets a file on disk take the place of the built-in briefing with its id.
	Replaces bool `yaml:"replaces"`
}

type partyMatter struct {
	ID      string   `yaml:"id"`
	Name    string   `yaml:"name"`
	Aliases []string `yaml:"aliases"`
}

func (p *parser) frontMatter(matter []byte) *Briefing {
	var fm frontMatter
	// A blank line in place of the opening "---" keeps the lines of the file.
	data := append([]byte("\n"), matter...)
	doc, err := yamlfile.Parse(p.file, data)
	if err == nil {
		err = yamlfile.Decode(p.file, doc, &fm)
	}
	if err != nil {
		p.yamlErrors(err)
		return nil
	}
	at := func(n *yaml.Node) int { return n.Line }

	b := &Briefing{ID: fm.ID, Title: strings.TrimSpace(fm.Title), Source: strings.TrimSpace(fm.Source),
		Date: fm.Date, File: p.file, Replaces: fm.Replaces, idLine: 1}
	if n := mapValue(doc, "id"); n != nil {
		b.idLine = at(n)
	}
	switch {
	case fm.ID == "":
		p.errorf(b.idLine, "missing id")
	case Slug(fm.ID) != fm.ID:
		p.errorf(b.idLine, "id %q must be lower case letters, digits and hyphens (%q)", fm.ID, Slug(fm.ID))
	case len(fm.ID) > MaxID:
		p.errorf(b.idLine, "id is %d characters; at most %d, so that buttons can carry it", len(fm.ID), MaxID)
	}
	if b.Title == "" {
		p.errorf(lineOr(mapValue(doc, "title"), at, 1), "missing title")
	}
	if b.Source == "" {
		p.errorf(lineOr(mapValue(doc, "source"), at, 1), "missing source: every answer names where it comes from")
	}
	if fm.Date != "" && !validDate(fm.Date) {
		p.errorf(lineOr(mapValue(doc, "date"), at, 1), "date %q is not YYYY-MM-DD, YYYY-MM or YYYY", fm.Date)
	}
	partyNodes := mapValue(doc, "parties")
	if len(fm.Parties) < 1 {
		p.errorf(lineOr(partyNodes, at, 1), "missing parties: name at least one, in the order of the positions table's columns")
	}
	b.parties = NewResolver()
	for i, pm := range fm.Parties {
		line := lineOr(partyNodes, at, 1)
		if partyNodes != nil && i < len(partyNodes.Content) {
			line = at(partyNodes.Content[i])
		}
		if pm.ID == "" || pm.Name == "" {
			p.errorf(line, "party %d needs an id and a name", i+1)
			continue
		}
		if tooLong(pm.ID) || tooLong(pm.Name) {
			p.errorf(line, "party %d: id and name must be at most %d characters", i+1, MaxName)
			continue
		}
		if err := b.parties.Add(pm.ID, pm.Name, pm.Aliases...); err != nil {
			p.errorf(line, "party %s: %v", pm.ID, err)
			continue
		}
		b.Parties = append(b.Parties, Party(pm))
	}
	b.issueByID = map[string]int{}
	aliasNodes := mapValue(doc, "aliases")
	for key, names := range fm.Aliases {
		line := lineOr(aliasNodes, at, 1)
		if aliasNodes != nil {
			for i := 0; i+1 < len(aliasNodes.Content); i += 2 {
				if aliasNodes.Content[i].Value == key {
					line = at(aliasNodes.Content[i])
				}
			}
		}
		p.aliases = append(p.aliases, pendingAlias{issue: key, names: names, line: line})
	}
	sort.Slice(p.aliases, func(i, j int) bool { return p.aliases[i].line < p.aliases[j].line })
	return b
}

// yamlErrors keeps the strict YAML helper's problems, each at its line, as the loader's own.
func (p *parser) yamlErrors(err error) {
	var list yamlfile.Errors
	var one *yamlfile.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = yamlfile.Errors{one}
	default:
		p.errorf(1, "front matter: %v", err)
		return
	}
	for _, e := range list {
		p.errorf(max(e.Line, 1), "front matter: %s", e.Msg)
	}
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func lineOr(n *yaml.Node, at func(*yaml.Node) int, fallback int) int {
	if n == nil {
		return fallback
	}
	return at(n)
}

var datePattern = regexp.MustCompile(`^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$`)

func validDate(s string) bool { return datePattern.MatchString(s) }

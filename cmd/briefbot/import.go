package main

import (
	"encoding/json"
	"fmt"
	"os"

	"briefbot/briefings/importer"
	"briefbot/internal/diskfile"
)

const importUsage = `Usage: briefbot import ARTICLE [--id ID] [--out DIR] [--force] [--format text|json]

Makes a draft briefing from an article in plain text, Markdown or HTML saved from a news
site, and writes it as DIR/ID.md (DIR: --out, default the current folder; ID: --id, default
made from the article's title). The draft is loaded as briefbot loads briefings before it is
written; an existing file is not replaced unless --force.

The coverage report goes to stderr: every sentence, table cell and heading of the article and
where it went in the draft, or why it was left out, and notes on what to check (the title,
the date, party names, the aliases to add). --format json prints it to stdout instead.
Exit 0 when the draft was written; 1 when the article cannot be read or its draft would not
load (the report still says where everything would have gone); 2 on a usage error.
`

func (c *cli) importCmd(args []string) error {
	cmd := c.newCommand("import", importUsage)
	id := cmd.fs.String("id", "", "the briefing's id (default: made from the title)")
	out := cmd.fs.String("out", ".", "the folder to write the draft in")
	force := cmd.fs.Bool("force", false, "replace a draft of the same id in --out")
	format := cmd.fs.String("format", "text", "text or json")
	words, err := c.parse(cmd, args)
	if err != nil {
		return err
	}
	if len(words) != 1 {
		fmt.Fprint(c.stderr, importUsage)
		return usageError("import takes one article file")
	}
	if *format != "text" && *format != "json" {
		fmt.Fprint(c.stderr, importUsage)
		return usageError("unknown format %q (text or json)", *format)
	}
	article := words[0]
	if info, err := os.Stat(*out); err != nil || !info.IsDir() {
		return fmt.Errorf("import: --out %s: is not a folder", *out)
	}
	src, err := importer.ReadFile(article)
	if err != nil {
		return fmt.Errorf("import %s: %v", article, diskfile.Reason(err))
	}
	d, err := importer.Import(article, src, importer.Options{ID: *id})
	if err != nil {
		if d != nil {
			c.writeReport(&d.Report, "", *format)
		}
		return fmt.Errorf("import %s: %v", article, err)
	}
	path, err := d.WriteFile(*out, *force)
	if err != nil {
		c.writeReport(&d.Report, "", *format)
		return fmt.Errorf("import %s: %v", article, diskfile.Reason(err))
	}
	c.writeReport(&d.Report, path, *format)
	if *format == "text" {
		fmt.Fprintf(c.stdout, "wrote %s (briefing %q); check it with `briefbot preview` before it goes in a briefings folder\n", path, d.ID)
	}
	return nil
}

// writeReport prints the coverage report: for a person on stderr, or as JSON on stdout with the
// path of the draft written ("" when none was).
func (c *cli) writeReport(r *importer.Report, path, format string) {
	if format == "json" {
		out := struct {
			Draft string `json:"draft"`
			*importer.Report
		}{path, r}
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		enc.Encode(out)
		return
	}
	r.WriteText(c.stderr)
}

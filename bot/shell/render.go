// Package shell is the terminal adapter: it reads command lines and prints replies as plain text
// laid out for a terminal, with parties side by side in aligned, wrapped columns.
package shell

import (
	"io"
	"strings"

	"briefbot/bot"
	"briefbot/internal/textfit"
)

// Width is the terminal width replies are laid out for.
const Width = 80

const gutter = "   "

// minColumn is the narrowest column worth showing side by side: narrower ones are harder to read
// than the same values one under another.
const minColumn = 8

// Render writes r as terminal text, at most width columns wide.
func Render(w io.Writer, r bot.Reply, width int) error {
	width = max(width, 1)
	var sb strings.Builder
	writeWrapped(&sb, r.Title, width, "", "")
	if r.Briefing != "" && r.Briefing != r.Title {
		writeWrapped(&sb, r.Briefing, width, "", "")
	}
	sb.WriteString(strings.Repeat("=", min(width, max(runeLen(r.Title), runeLen(r.Briefing)))))
	sb.WriteByte('\n')
	for _, b := range r.Blocks {
		sb.WriteByte('\n')
		writeBlock(&sb, b, width)
	}
	for i := 0; i < len(r.Fields); {
		j := i
		for j < len(r.Fields) && r.Fields[j].Inline {
			j++
		}
		if j > i && columnWidth(j-i, width) >= minColumn {
			names := make([]string, 0, j-i)
			values := make([]string, 0, j-i)
			for _, f := range r.Fields[i:j] {
				names = append(names, f.Name)
				values = append(values, f.Value)
			}
			sb.WriteByte('\n')
			writeColumns(&sb, names, values, width)
			i = j
			continue
		}
		// A field of its own, or inline fields too many to stand side by side: one under another.
		for _, f := range r.Fields[i:max(j, i+1)] {
			sb.WriteByte('\n')
			writeWrapped(&sb, f.Name, width, "", "")
			writeWrapped(&sb, f.Value, width, "  ", "  ")
		}
		i = max(j, i+1)
	}
	if r.Table != nil {
		sb.WriteByte('\n')
		writeTable(&sb, r.Table, width)
	}
	if len(r.Actions) > 0 || r.Footer != "" {
		sb.WriteByte('\n')
	}
	for _, a := range r.Actions {
		writeWrapped(&sb, a.Label+": "+a.Command, width, "→ ", "  ")
	}
	if r.Footer != "" {
		writeWrapped(&sb, r.Footer, width, "", "")
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func writeBlock(sb *strings.Builder, b bot.Block, width int) {
	switch b.Kind {
	case bot.Item:
		// No markup in a terminal: emphasis is plain, and times read in their own zone.
		text := b.Marked(func(s string) string { return s }, "", "", nil)
		if b.Label != "" {
			text = b.Label + ": " + text
		}
		writeWrapped(sb, text, width, "• ", "  ")
	case bot.Quote:
		for _, line := range strings.Split(b.Text, "\n") {
			writeWrapped(sb, line, width, "  │ ", "  │ ")
		}
	case bot.Heading:
		writeWrapped(sb, b.Text, width, "", "")
		sb.WriteString(strings.Repeat("-", min(width, runeLen(b.Text))))
		sb.WriteByte('\n')
	default:
		writeWrapped(sb, b.Text, width, "", "")
	}
}

// writeColumns lays values side by side under their names, each wrapped to its column.
func writeColumns(sb *strings.Builder, names, values []string, width int) {
	n := len(names)
	colWidth := columnWidth(n, width)
	widths := make([]int, n)
	heads := make([][]string, n)
	cells := make([][]string, n)
	for i := range names {
		widths[i] = colWidth
		heads[i] = append(wrap(names[i], colWidth), strings.Repeat("-", min(colWidth, runeLen(names[i]))))
		cells[i] = wrap(values[i], colWidth)
	}
	writeGrid(sb, heads, widths)
	writeGrid(sb, cells, widths)
}

// columnWidth is how wide each of n columns side by side can be.
func columnWidth(n, width int) int { return (width - (n-1)*len(gutter)) / n }

// writeGrid prints wrapped cells side by side, padding each column to its width.
func writeGrid(sb *strings.Builder, cells [][]string, widths []int) {
	lines := 0
	for _, c := range cells {
		lines = max(lines, len(c))
	}
	for l := 0; l < lines; l++ {
		var line strings.Builder
		for i, c := range cells {
			if i > 0 {
				line.WriteString(gutter)
			}
			text := ""
			if l < len(c) {
				text = c[l]
			}
			line.WriteString(text)
			if i < len(cells)-1 {
				line.WriteString(strings.Repeat(" ", max(widths[i]-runeLen(text), 0)))
			}
		}
		sb.WriteString(strings.TrimRight(line.String(), " "))
		sb.WriteByte('\n')
	}
}

// writeTable prints a grid: the first column as narrow as its longest word allows, the others
// sharing the rest of the width evenly. A table too wide for its columns to be read is printed
// as a list instead.
func writeTable(sb *strings.Builder, t *bot.Table, width int) {
	n := len(t.Columns)
	if n == 0 {
		return
	}
	first := runeLen(t.Columns[0])
	for _, row := range t.Rows {
		if len(row) > 0 {
			for _, w := range strings.Fields(row[0]) {
				first = max(first, runeLen(w))
			}
		}
	}
	first = min(max(first, 12), width/4)
	rest := (width - first - (n-1)*len(gutter)) / max(n-1, 1)
	if first < minColumn || (n > 1 && rest < minColumn) {
		writeTableList(sb, t, width)
		return
	}
	widths := make([]int, n)
	widths[0] = first
	for i := 1; i < n; i++ {
		widths[i] = rest
	}
	wrapRow := func(row []string) [][]string {
		cells := make([][]string, n)
		for i := range cells {
			if i < len(row) {
				cells[i] = wrap(row[i], widths[i])
			}
		}
		return cells
	}
	writeGrid(sb, wrapRow(t.Columns), widths)
	rules := make([][]string, n)
	for i := range rules {
		rules[i] = []string{strings.Repeat("-", widths[i])}
	}
	writeGrid(sb, rules, widths)
	for i, row := range t.Rows {
		if i > 0 {
			sb.WriteByte('\n')
		}
		writeGrid(sb, wrapRow(row), widths)
	}
}

// writeTableList prints each row as its first cell, then a line for each other cell headed by
// its column.
func writeTableList(sb *strings.Builder, t *bot.Table, width int) {
	for i, row := range t.Rows {
		if i > 0 {
			sb.WriteByte('\n')
		}
		for j, cell := range row {
			switch {
			case j == 0:
				writeWrapped(sb, cell, width, "", "")
			case j < len(t.Columns):
				writeWrapped(sb, t.Columns[j]+": "+cell, width, "  ", "    ")
			default:
				writeWrapped(sb, cell, width, "  ", "    ")
			}
		}
	}
}

// writeWrapped writes text wrapped to width, its first line after first and the others after
// rest.
func writeWrapped(sb *strings.Builder, text string, width int, first, rest string) {
	lines := wrap(text, width-max(runeLen(first), runeLen(rest)))
	for i, l := range lines {
		if i == 0 {
			sb.WriteString(first)
		} else {
			sb.WriteString(rest)
		}
		sb.WriteString(l)
		sb.WriteByte('\n')
	}
}

// terminalText counts a character as one column, as most terminals show most characters.
var terminalText = textfit.Fitter{Measure: textfit.CodePoints}

// wrap breaks text into lines of at most width columns at spaces, and cuts a word longer than
// the width into pieces, so a column never pushes its neighbour out of line. Empty text is one
// empty line, so that a blank quotation line still shows its bar.
func wrap(text string, width int) []string {
	lines := terminalText.Wrap(text, max(width, 1))
	if len(lines) == 0 {
		return []string{""}
	}
	return lines
}

func runeLen(s string) int { return terminalText.Measure.Len(s) }

// Package shell is the terminal adapter: it reads command lines and prints replies as plain text
// laid out for a terminal, with parties side by side in aligned, wrapped columns.
package shell

import (
	"io"
	"strings"
	"unicode/utf8"

	"briefbot/bot"
)

// Width is the terminal width replies are laid out for.
const Width = 80

const gutter = "   "

// Render writes r as terminal text, at most width columns wide.
func Render(w io.Writer, r bot.Reply, width int) error {
	var sb strings.Builder
	sb.WriteString(r.Title)
	sb.WriteByte('\n')
	if r.Briefing != "" && r.Briefing != r.Title {
		sb.WriteString(r.Briefing)
		sb.WriteByte('\n')
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
		sb.WriteByte('\n')
		if j > i {
			names := make([]string, 0, j-i)
			values := make([]string, 0, j-i)
			for _, f := range r.Fields[i:j] {
				names = append(names, f.Name)
				values = append(values, f.Value)
			}
			writeColumns(&sb, names, values, width)
			i = j
			continue
		}
		f := r.Fields[i]
		sb.WriteString(f.Name)
		sb.WriteByte('\n')
		writeWrapped(&sb, f.Value, width, "  ", "  ")
		i++
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
		text := b.Text
		if b.Label != "" {
			text = b.Label + ": " + text
		}
		writeWrapped(sb, text, width, "• ", "  ")
	case bot.Quote:
		for _, line := range strings.Split(b.Text, "\n") {
			writeWrapped(sb, line, width, "  │ ", "  │ ")
		}
	case bot.Heading:
		sb.WriteString(b.Text)
		sb.WriteByte('\n')
		sb.WriteString(strings.Repeat("-", min(width, runeLen(b.Text))))
		sb.WriteByte('\n')
	default:
		writeWrapped(sb, b.Text, width, "", "")
	}
}

// writeColumns lays values side by side under their names, each wrapped to its column.
func writeColumns(sb *strings.Builder, names, values []string, width int) {
	n := len(names)
	colWidth := (width - (n-1)*len(gutter)) / n
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
				line.WriteString(strings.Repeat(" ", widths[i]-runeLen(text)))
			}
		}
		sb.WriteString(strings.TrimRight(line.String(), " "))
		sb.WriteByte('\n')
	}
}

// writeTable prints a grid: the first column as narrow as its longest word allows, the others
// sharing the rest of the width evenly.
func writeTable(sb *strings.Builder, t *bot.Table, width int) {
	n := len(t.Columns)
	first := runeLen(t.Columns[0])
	for _, row := range t.Rows {
		for _, w := range strings.Fields(row[0]) {
			first = max(first, runeLen(w))
		}
	}
	first = min(max(first, 12), width/4)
	rest := (width - first - (n-1)*len(gutter)) / max(n-1, 1)
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

func writeWrapped(sb *strings.Builder, text string, width int, first, rest string) {
	lines := wrap(text, width-runeLen(first))
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

// wrap breaks text into lines of at most width runes at spaces; a word longer than the width is
// cut, so a column never pushes its neighbour out of line.
func wrap(text string, width int) []string {
	width = max(width, 8)
	var lines []string
	var cur strings.Builder
	curLen := 0
	for _, word := range strings.Fields(text) {
		for runeLen(word) > width {
			if curLen > 0 {
				lines = append(lines, cur.String())
				cur.Reset()
				curLen = 0
			}
			cut := byteIndexOfRune(word, width)
			lines = append(lines, word[:cut])
			word = word[cut:]
		}
		wl := runeLen(word)
		if curLen > 0 && curLen+1+wl > width {
			lines = append(lines, cur.String())
			cur.Reset()
			curLen = 0
		}
		if curLen > 0 {
			cur.WriteByte(' ')
			curLen++
		}
		cur.WriteString(word)
		curLen += wl
	}
	if curLen > 0 || len(lines) == 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

func byteIndexOfRune(s string, n int) int {
	i := 0
	for pos := range s {
		if i == n {
			return pos
		}
		i++
	}
	return len(s)
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

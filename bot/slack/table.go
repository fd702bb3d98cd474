package slack

import (
	"strings"

	"briefbot/bot"
)

// Table block limits, from Slack's table block reference (the total, from its usage notes). A
// grid over any of them keeps the sections layout, which has none of these bounds, rather than
// have Slack refuse the whole message.
const (
	maxTableRows  = 100    // the header row among them
	maxTableCells = 20     // in one row
	maxTableText  = 10_000 // across all the cells of the table
	// Slack documents no bound for one cell: a field's, the nearest the renderer knows, keeps a
	// position that fits today's layout fitting the table too.
	maxCellText = maxFieldText
)

// A TableCell is one cell of a table block: "raw_text", whose Text Slack shows as it is, never
// reading it as mrkdwn, or "rich_text", for the bold header row. Either way the words are literal:
// a cell can hold no mention or link, so its text is not escaped.
type TableCell struct {
	Type     string            `json:"type"`
	Text     string            `json:"text,omitempty"`
	Elements []richTextSection `json:"elements,omitempty"`
}

// Words are the cell's text as Slack shows it, without its style: for the preview.
func (c TableCell) Words() string {
	if c.Type != "rich_text" {
		return c.Text
	}
	var sb strings.Builder
	for _, section := range c.Elements {
		for _, e := range section.Elements {
			sb.WriteString(e.Text)
		}
	}
	return sb.String()
}

// Header reports whether the cell is a header's, shown bold.
func (c TableCell) Header() bool { return c.Type == "rich_text" }

// richTextSection and richText are the little of rich text a bold cell needs.
type richTextSection struct {
	Type     string     `json:"type"`
	Elements []richText `json:"elements"`
}

type richText struct {
	Type  string     `json:"type"`
	Text  string     `json:"text"`
	Style *textStyle `json:"style,omitempty"`
}

type textStyle struct {
	Bold bool `json:"bold,omitempty"`
}

// A ColumnSetting says how a table's column is drawn.
type ColumnSetting struct {
	Align     string `json:"align,omitempty"`
	IsWrapped bool   `json:"is_wrapped,omitempty"`
}

// tableSections shows a table as one section per row: the first cell as its text, the others as
// fields headed by their column.
func tableSections(t *bot.Table) []block {
	if t == nil {
		return nil
	}
	var out []block
	for _, row := range t.Rows {
		if len(row) == 0 {
			continue
		}
		var text *TextObject
		if s := strings.TrimSpace(row[0]); s != "" {
			text = mrkdwn(shorten("*"+escape(s)+"*", maxSectionText))
		}
		var fields []TextObject
		for j := 1; j < len(row); j++ {
			col := ""
			if j < len(t.Columns) {
				col = t.Columns[j]
			}
			if f := labelled(col, row[j]); f != "" {
				fields = append(fields, *mrkdwn(shorten(f, maxFieldText)))
			}
		}
		if len(fields) == 0 {
			if text != nil {
				out = append(out, block{Type: "section", Text: text})
			}
			continue
		}
		// More columns than a section holds continue in sections of fields only.
		for len(fields) > 0 {
			n := min(len(fields), maxFields)
			out = append(out, block{Type: "section", Text: text, Fields: fields[:n]})
			fields, text = fields[n:], nil
		}
	}
	return out
}

// A grid is what a table block shows: a header row over rows of cells, every row as wide as the
// widest, each cell trimmed and never empty. keyed says the first column names its row, as an
// issue names a row of positions.
type grid struct {
	header []string
	rows   [][]string
	keyed  bool
}

// tableGrid is t as a table block shows it; ok is false when it has no row or would not fit one.
func tableGrid(t *bot.Table) (g grid, ok bool) {
	if t == nil {
		return grid{}, false
	}
	var rows [][]string
	for _, row := range t.Rows {
		if len(row) > 0 {
			rows = append(rows, row)
		}
	}
	return newGrid(t.Columns, rows, true)
}

// fieldGrid is fields as a table of one row, headed by their names: only when every field sits
// side by side, and there are two or more to set side by side. Blank fields are left out, as
// the sections leave them.
func fieldGrid(fields []bot.Field) (g grid, ok bool) {
	var names, values []string
	for _, f := range fields {
		if !f.Inline {
			return grid{}, false
		}
		if strings.TrimSpace(f.Name) != "" || strings.TrimSpace(f.Value) != "" {
			names, values = append(names, f.Name), append(values, f.Value)
		}
	}
	if len(names) < 2 {
		return grid{}, false
	}
	return newGrid(names, [][]string{values}, false)
}

// newGrid squares header and rows off, and says whether the result fits a table block.
func newGrid(header []string, rows [][]string, keyed bool) (grid, bool) {
	width := len(header)
	for _, row := range rows {
		width = max(width, len(row))
	}
	if len(rows) == 0 || len(rows)+1 > maxTableRows || width == 0 || width > maxTableCells {
		return grid{}, false
	}
	total := 0
	square := func(cells []string) ([]string, bool) {
		out := make([]string, width)
		for j := range out {
			out[j] = " " // Slack refuses an empty cell
			if j < len(cells) {
				if s := strings.TrimSpace(strings.ToValidUTF8(cells[j], "\uFFFD")); s != "" {
					out[j] = s
				}
			}
			n := textLen(out[j])
			total += n
			if n > maxCellText || total > maxTableText {
				return nil, false
			}
		}
		return out, true
	}
	g := grid{keyed: keyed}
	var ok bool
	if g.header, ok = square(header); !ok {
		return grid{}, false
	}
	for _, row := range rows {
		cells, ok := square(row)
		if !ok {
			return grid{}, false
		}
		g.rows = append(g.rows, cells)
	}
	return g, true
}

// block is g as Slack's table block: the header row bold, every column wrapping its long text.
// Alignment is written out because slack-go writes it, empty, when the Poster passes the block on.
func (g grid) block() block {
	rows := make([][]TableCell, 0, len(g.rows)+1)
	head := make([]TableCell, len(g.header))
	for j, s := range g.header {
		head[j] = TableCell{Type: "rich_text", Elements: []richTextSection{{Type: "rich_text_section",
			Elements: []richText{{Type: "text", Text: s, Style: &textStyle{Bold: true}}}}}}
	}
	rows = append(rows, head)
	for _, row := range g.rows {
		cells := make([]TableCell, len(row))
		for j, s := range row {
			cells[j] = TableCell{Type: "raw_text", Text: s}
		}
		rows = append(rows, cells)
	}
	columns := make([]ColumnSetting, len(g.header))
	for j := range columns {
		columns[j] = ColumnSetting{Align: "left", IsWrapped: true}
	}
	return block{Type: "table", Rows: rows, ColumnSettings: columns}
}

// lines is g as escaped text, a row to a paragraph: the row's name, if it has one, then each
// cell after its column's name.
func (g grid) lines() string {
	var rows []string
	for _, row := range g.rows {
		var lines []string
		for j, cell := range row {
			cell = strings.TrimSpace(cell)
			switch {
			case cell == "":
			case j == 0 && g.keyed:
				lines = append(lines, escape(cell))
			case strings.TrimSpace(g.header[j]) != "":
				lines = append(lines, escape(g.header[j])+": "+escape(cell))
			default:
				lines = append(lines, escape(cell))
			}
		}
		if len(lines) > 0 {
			rows = append(rows, strings.Join(lines, "\n"))
		}
	}
	return strings.Join(rows, "\n\n")
}

package importer

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// A Report accounts for every sentence, table cell and heading of an article: where each went
// in the draft, or why it was left out. It is what lets an analyst trust a draft without
// reading the article against it line by line.
type Report struct {
	Article string `json:"article"`
	Format  string `json:"format"`
	ID      string `json:"id"`
	// Notes are what the analyst should look at before using the draft: guesses (a title cut
	// from the lead, a date from the text), things the draft could not hold, the aliases to add.
	Notes           []string `json:"notes"`
	Sentences       int      `json:"sentences"`
	SentencesPlaced int      `json:"sentences_placed"`
	Cells           int      `json:"cells"`
	CellsPlaced     int      `json:"cells_placed"`
	Items           []Item   `json:"items"`
}

// An Item is one piece of the article and its fate.
type Item struct {
	Kind  string   `json:"kind"` // "sentence", "cell", "heading", "title", "source" or "date"
	Line  int      `json:"line,omitempty"`
	Text  string   `json:"text"`
	Where []string `json:"where"` // the places in the draft that hold it, in draft order
	// LeftOut says why the item is in no place of the draft; empty when it is placed.
	LeftOut string `json:"left_out,omitempty"`
	// Note says what else the analyst should know about a placed item: a place it could not take.
	Note string `json:"note,omitempty"`
}

// Placed reports whether the item is somewhere in the draft.
func (it Item) Placed() bool { return len(it.Where) > 0 }

// LeftOut lists the items in no place of the draft.
func (r *Report) LeftOut() []Item {
	var out []Item
	for _, it := range r.Items {
		if !it.Placed() {
			out = append(out, it)
		}
	}
	return out
}

func (r *Report) count() {
	r.Sentences, r.SentencesPlaced, r.Cells, r.CellsPlaced = 0, 0, 0, 0
	for _, it := range r.Items {
		switch it.Kind {
		case "sentence":
			r.Sentences++
			if it.Placed() {
				r.SentencesPlaced++
			}
		case "cell":
			r.Cells++
			if it.Placed() {
				r.CellsPlaced++
			}
		}
	}
}

// Summary is the report's first line: what was placed out of what.
func (r *Report) Summary() string {
	left := len(r.LeftOut())
	s := fmt.Sprintf("%s (%s): %d of %d sentences and %d of %d table cells placed", r.Article, r.Format,
		r.SentencesPlaced, r.Sentences, r.CellsPlaced, r.Cells)
	if left == 0 {
		return s + ", nothing left out"
	}
	return fmt.Sprintf("%s, %d left out (marked LEFT OUT below)", s, left)
}

// WriteText writes the report for a person: the summary, the notes, then one line per item.
func (r *Report) WriteText(w io.Writer) error {
	var sb strings.Builder
	sb.WriteString(r.Summary() + "\n")
	for _, n := range r.Notes {
		sb.WriteString("note: " + n + "\n")
	}
	for _, it := range r.Items {
		at := ""
		if it.Line > 0 {
			at = fmt.Sprintf("line %d, ", it.Line)
		}
		where := strings.Join(it.Where, "; ")
		if !it.Placed() {
			where = "LEFT OUT: " + it.LeftOut
		} else if it.Note != "" {
			where += " (" + it.Note + ")"
		}
		fmt.Fprintf(&sb, "  %s%s %q -> %s\n", at, it.Kind, clip(it.Text, 60), where)
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// WriteJSON writes the report for a program.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// clip shortens s to about n characters at a word, for one line of the report.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

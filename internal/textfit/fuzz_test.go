package textfit_test

import (
	"strings"
	"testing"

	"briefbot/internal/textfit"
)

// FuzzFit cuts and splits any text to any limit, counted either way: no result is ever longer
// than the limit, none breaks a character, a cut is a prefix of the text and the marker, and a
// split loses nothing but spacing.
func FuzzFit(f *testing.F) {
	f.Add("alpha beta gamma delta", 10, false, false)
	f.Add(strings.Repeat("🛂", 40), 7, true, false)
	f.Add("a "+strings.Repeat("語", 90), 60, true, true)
	f.Add(`x\*y\_z\\w`, 4, false, true)
	f.Add("é\n\nü\nö ä\xff", 3, true, false)
	f.Fuzz(func(t *testing.T, s string, limit int, byUnits, shortened bool) {
		limit %= 5000 // the limits of interest; larger ones only take longer
		fit := textfit.Fitter{Measure: textfit.CodePoints, SafeEnd: func(p string) int {
			return len(strings.TrimRight(p, `\`))
		}}
		if byUnits {
			fit.Measure = textfit.UTF16Units
		}
		marker := textfit.Ellipsis
		if shortened {
			marker = textfit.Shortened
		}
		checkCut(t, fit, s, limit, marker, fit.Cut(s, limit, marker))
		checkSplit(t, fit, s, limit, fit.Split(s, limit))
	})
}

package config

import (
	_ "embed"
	"strings"
	"sync"

	"briefbot/internal/fuzzy"
)

//go:generate go run ./internal/genzones -tzdata /usr/share/zoneinfo/tzdata.zi -o zones.txt

//go:embed zones.txt
var zonesFile string

// zoneNames are the IANA time zones, then the names linked to them (older or other names), as
// zones.txt lists them: suggestions prefer the earlier, so a zone wins over a link. They are
// read on first use, which only a mistyped zone makes.
var zoneNames = sync.OnceValue(func() []string {
	var names []string
	for line := range strings.Lines(zonesFile) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			names = append(names, line)
		}
	}
	return names
})

// suggestZone finds the zone a person most likely meant: "Mexico City" is America/Mexico_City,
// "new york" America/New_York, "Europe/Pari" Europe/Paris. Names are compared whole and by their
// last part (the city), ignoring case and with spaces as underscores.
func suggestZone(name string) (string, bool) {
	w := normalizeZone(name)
	if w == "" || len(w) > 64 {
		return "", false
	}
	best, bestDist := "", fuzzy.Budget(w)+1
	for _, z := range zoneNames() {
		full := normalizeZone(z)
		d := fuzzy.Distance(w, full)
		if i := strings.LastIndexByte(full, '/'); i >= 0 && !strings.Contains(w, "/") {
			d = min(d, fuzzy.Distance(w, full[i+1:]))
		}
		if d < bestDist {
			best, bestDist = z, d
		}
	}
	return best, best != ""
}

func normalizeZone(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", "_"))
}

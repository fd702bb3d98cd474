// Command genzones writes the list of IANA time zone names that config suggests from, one per
// line, read from the system's tzdata.zi (Go has no API that lists zones). Run it through go
// generate in config/.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

func main() {
	in := flag.String("tzdata", "/usr/share/zoneinfo/tzdata.zi", "the zic input file listing every zone and link")
	out := flag.String("o", "zones.txt", "the file to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "genzones:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	version, zones, links, err := read(f)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if len(zones) == 0 {
		return fmt.Errorf("%s: no zones", in)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# IANA time zones, then the names linked to them, from tzdata %s; written by genzones (go generate), do not edit.\n", version)
	for _, z := range append(zones, links...) {
		fmt.Fprintln(&b, z)
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}

// read takes the names from zic input: "Z name ..." is a zone, "L target name" a link.
func read(r io.Reader) (version string, zones, links []string, err error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "# version "); ok {
			version = strings.TrimSpace(v)
		}
		f := strings.Fields(line)
		switch {
		case len(f) >= 2 && f[0] == "Z":
			zones = append(zones, f[1])
		case len(f) >= 3 && f[0] == "L":
			links = append(links, f[2])
		}
	}
	slices.Sort(zones)
	slices.Sort(links)
	return version, zones, links, sc.Err()
}

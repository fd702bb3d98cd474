package config

import (
	"testing"
	"time"
	_ "time/tzdata" // the checks must not depend on the machine's zoneinfo
)

func TestZoneNamesLoad(t *testing.T) {
	if len(zoneNames()) < 300 {
		t.Fatalf("only %d zone names", len(zoneNames()))
	}
	for _, z := range zoneNames() {
		if _, err := time.LoadLocation(z); err != nil {
			t.Errorf("LoadLocation(%q) = %v", z, err)
		}
	}
}

func TestSuggestZone(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"Mexico City", "America/Mexico_City"},
		{"mexico_city", "America/Mexico_City"},
		{"new york", "America/New_York"},
		{"Europe/Pari", "Europe/Paris"},
		{"america/sao_paulo", "America/Sao_Paulo"},
		{"kolkata", "Asia/Kolkata"},
		{"Mars/Base", ""},
		{"", ""},
	} {
		got, ok := suggestZone(tc.name)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("suggestZone(%q) = %q, %v; want %q", tc.name, got, ok, tc.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"90d", 90 * day, true},
		{"1d12h", day + 12*time.Hour, true},
		{"2h", 2 * time.Hour, true},
		{"30m", 30 * time.Minute, true},
		{"0", 0, true},
		{"0d", 0, true},
		{" 7d ", 7 * day, true},
		{"1.5d", 0, false},
		{"d", 0, false},
		{"-1d", 0, false},
		{"-2h", 0, false},
		{"1d-2h", 0, false},
		{"100001d", 0, false},
		{"100000d2000000h", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	} {
		got, ok := ParseDuration(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		in, fix string
		ok      bool
	}{
		{"127.0.0.1:8080", "", true},
		{":8080", "", true},
		{"[::1]:0", "", true},
		{"localhost:65535", "", true},
		{"8080", ":8080", false},
		{"https://example.com:443/", "example.com:443", false},
		{"localhost", "", false},
		{"localhost:http", "", false},
		{"localhost:65536", "", false},
		{":-1", "", false},
		{"", "", false},
	} {
		fix, ok := checkListen(tc.in)
		if fix != tc.fix || ok != tc.ok {
			t.Errorf("checkListen(%q) = %q, %v; want %q, %v", tc.in, fix, ok, tc.fix, tc.ok)
		}
	}
}

func TestDurationText(t *testing.T) {
	for d, want := range map[time.Duration]string{90 * 24 * time.Hour: "90d", 2 * time.Hour: "2h0m0s", 36 * time.Hour: "36h0m0s"} {
		if got := durationText(d); got != want {
			t.Errorf("durationText(%v) = %q; want %q", d, got, want)
		}
	}
}

package briefings

import (
	"strings"
	"testing"
)

func TestParseWhen(t *testing.T) {
	april := anchor{year: 2025, month: 4}
	tests := []struct {
		when      string
		at        anchor
		precision Precision
		key       int
		yearless  bool
		upcoming  bool
		err       string // part of the error, or "" for none
	}{
		{when: "2023", at: april, precision: Year, key: 20230000},
		{when: "2025-06", at: april, precision: Month, key: 20250600, upcoming: true},
		{when: "2025-06-01", at: april, precision: Day, key: 20250601, upcoming: true},
		{when: "2025-04-30", at: april, precision: Day, key: 20250430},
		{when: "2024-02-29", at: april, precision: Day, key: 20240229},
		{when: "1846–1848", at: april, precision: Year, key: 18460000},
		{when: "1846-1848", at: april, precision: Year, key: 18460000},
		{when: "1846 to 1848", at: april, precision: Year, key: 18460000},
		{when: "1990s", at: april, precision: Decade, key: 19900000},
		{when: "Early 1900s", at: april, precision: Decade, key: 19000000},
		{when: "late 1990s", at: april, precision: Decade, key: 19970000},
		{when: "mid-1990s", at: april, precision: Decade, key: 19940000},
		{when: "April 2025", at: april, precision: Month, key: 20250400},
		{when: "Sept 2024", at: april, precision: Month, key: 20240900},
		{when: "1 April 2025", at: april, precision: Day, key: 20250401},
		{when: "April 1, 2025", at: april, precision: Day, key: 20250401},
		{when: "March", at: april, precision: Month, key: 20250300, yearless: true},
		{when: "May", at: april, precision: Month, key: 20240500, yearless: true},
		{when: "April", at: april, precision: Month, key: 20250400, yearless: true},
		{when: "March", at: anchor{year: 2025}, precision: Month, key: 20250300, yearless: true},
		{when: "3 March", at: april, precision: Day, key: 20250303, yearless: true},
		{when: "Later this year", at: april, precision: Year, key: 20251300, upcoming: true},
		{when: "later this month", at: april, precision: Month, key: 20250432, upcoming: true},
		{when: "next year", at: april, precision: Year, key: 20260000, upcoming: true},
		{when: "Earlier this year", at: april, precision: Year, key: 20250399},
		{when: "last month", at: anchor{year: 2025, month: 1}, precision: Month, key: 20241200},
		{when: "Spring 2001", at: april, precision: Year, key: 20010000}, // as earlier briefings wrote
		{when: "Later", at: april, err: `"Later" is not a date`},
		{when: "2025-13", at: april, err: "the month is written 01 to 12"},
		{when: "2025-6", at: april, err: "the month is written 01 to 12"},
		{when: "2025-02-30", at: april, err: "there is no day 30"},
		{when: "2025-02-x", at: april, err: "is not a date"},
		{when: "30 February 2025", at: april, err: "there is no day 30"},
		{when: "1848–1846", at: april, err: "ends before it starts"},
		{when: "March", at: anchor{}, err: `"March" has no year`},
		{when: "later this year", at: anchor{}, err: "needs the briefing's date"},
		{when: "this month", at: anchor{year: 2025}, err: "needs the briefing's date"},
	}
	for _, tc := range tests {
		w, err := parseWhen(tc.when, tc.at)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parseWhen(%q, %v) = %+v, %v; want error %q", tc.when, tc.at, w, err, tc.err)
			}
			continue
		}
		want := when{precision: tc.precision, key: tc.key, yearless: tc.yearless, upcoming: tc.upcoming}
		if err != nil || w != want {
			t.Errorf("parseWhen(%q, %v) = %+v, %v; want %+v", tc.when, tc.at, w, err, want)
		}
	}
}

package calendar

import (
	"maps"
	"slices"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/us"
)

// holidaySetsByName are the public holidays skip_holidays names, by country code.
var holidaySetsByName = map[string][]*cal.Holiday{
	"us": us.Holidays,
	"mx": mexico,
}

// HolidaySets are the names skip_holidays knows, sorted.
func HolidaySets() []string {
	return slices.Sorted(maps.Keys(holidaySetsByName))
}

// KnownHolidaySet reports whether skip_holidays knows the set name.
func KnownHolidaySet(name string) bool {
	_, ok := holidaySetsByName[name]
	return ok
}

// holidayOn names the holiday of set that is observed on day, if any. A holiday is kept on its
// observed day, the one people have off (the United States move a Saturday's to the Friday
// before); the library gives it, and for a holiday early in January it may fall in the December
// before, so the years on either side are asked too.
func holidayOn(set string, day time.Time) (string, bool) {
	for _, h := range holidaySetsByName[set] {
		for year := day.Year() - 1; year <= day.Year()+1; year++ {
			if _, observed := h.Calc(year); !observed.IsZero() && civil(observed).Equal(day) {
				return h.Name, true
			}
		}
	}
	return "", false
}

// mexico are the days of rest that Mexico's federal labour law (Ley Federal del Trabajo, article
// 74) makes obligatory nationwide, three of them on a Monday since 2006: rickar/cal v2.1.13 has
// no set for Mexico, and its later versions date Constitution Day and Benito Juárez's Birthday
// by their old fixed days. A holiday on a weekend is not moved. The election days the law also
// names are set by each election's law; skip_dates takes them.
var mexico = []*cal.Holiday{
	{Name: "New Year's Day", Type: cal.ObservancePublic, Month: time.January, Day: 1, Func: cal.CalcDayOfMonth},
	{Name: "Constitution Day", Type: cal.ObservancePublic, Month: time.February, Weekday: time.Monday, Offset: 1, Func: cal.CalcWeekdayOffset},
	{Name: "Benito Juárez's Birthday", Type: cal.ObservancePublic, Month: time.March, Weekday: time.Monday, Offset: 3, Func: cal.CalcWeekdayOffset},
	{Name: "Labour Day", Type: cal.ObservancePublic, Month: time.May, Day: 1, Func: cal.CalcDayOfMonth},
	{Name: "Independence Day", Type: cal.ObservancePublic, Month: time.September, Day: 16, Func: cal.CalcDayOfMonth},
	{Name: "Transfer of Federal Executive Power", Type: cal.ObservancePublic, Month: time.October, Day: 1, Func: inauguration},
	{Name: "Revolution Day", Type: cal.ObservancePublic, Month: time.November, Weekday: time.Monday, Offset: 3, Func: cal.CalcWeekdayOffset},
	{Name: "Christmas Day", Type: cal.ObservancePublic, Month: time.December, Day: 25, Func: cal.CalcDayOfMonth},
}

// inauguration is 1 October of the years a president takes office, every six years since the
// 2024 change of date; other years have none (the zero time).
func inauguration(h *cal.Holiday, year int) time.Time {
	if year < 2024 || (year-2024)%6 != 0 {
		return time.Time{}
	}
	return cal.CalcDayOfMonth(h, year)
}

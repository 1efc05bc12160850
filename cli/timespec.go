package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseTimeSpec reads the times --since and --until accept: a duration
// back from now ("90m", "36h", "7d", "2w"), a date ("2026-11-01", local
// midnight), a date and time ("2026-11-01 14:30" or RFC 3339), or the words
// "today" and "yesterday".
func parseTimeSpec(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	switch strings.ToLower(s) {
	case "now":
		return now, nil
	case "today":
		return midnight, nil
	case "yesterday":
		return midnight.AddDate(0, 0, -1), nil
	}
	if n := len(s); n >= 2 {
		unit := s[n-1]
		if num, err := strconv.Atoi(s[:n-1]); err == nil && num >= 0 {
			days := map[byte]int{'d': 1, 'w': 7}[unit]
			// time.Duration holds about 292 years; refuse more than 100.
			if days > 0 && num*days > 36500 {
				return time.Time{}, fmt.Errorf("cannot read time %q: at most 100 years back", s)
			}
			if days > 0 {
				return now.AddDate(0, 0, -num*days), nil
			}
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 { // overflow is an error here
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, now.Location()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read time %q: use a duration back from now (30m, 12h, 7d, 2w), a date (2026-11-01), a date and time (2026-11-01 14:30) or today/yesterday", s)
}

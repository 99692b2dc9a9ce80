package segment

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// maxEpochSeconds keeps epoch nanoseconds within int64 (year 2262).
const maxEpochSeconds = math.MaxInt64 / int64(1e9)

var errTimeRange = errors.New("out of range")

// epochNanos converts X-Ray's float epoch seconds to Unix nanoseconds. Plain
// decimals ("1480615200.010") are converted digit by digit, so no float
// rounding creeps in; other forms ("1.480615200010E9") go through float64
// and are kept to the microsecond, the precision a float64 holds there.
func epochNanos(n json.Number) (int64, error) {
	s := string(n)
	if ns, ok := decimalNanos(s); ok {
		return ns, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%.40q: not a number", s)
	}
	if f < 0 || f >= float64(maxEpochSeconds) || math.IsNaN(f) {
		return 0, fmt.Errorf("%.40q: %w", s, errTimeRange)
	}
	sec := math.Floor(f)
	micros := math.Round((f - sec) * 1e6)
	return int64(sec)*1e9 + int64(micros)*1e3, nil
}

// decimalNanos handles digits[.digits]; ok is false for anything else,
// including values out of range, which the float path then reports.
func decimalNanos(s string) (int64, bool) {
	var sec int64
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		sec = sec*10 + int64(s[i]-'0')
		if sec >= maxEpochSeconds {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	var frac int64
	digits := 0
	roundUp := false
	if i < len(s) {
		if s[i] != '.' {
			return 0, false
		}
		for i++; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			switch {
			case digits < 9:
				frac = frac*10 + int64(c-'0')
				digits++
			case digits == 9:
				roundUp = c >= '5'
				digits++
			}
		}
	}
	for ; digits < 9; digits++ {
		frac *= 10
	}
	ns := sec*1e9 + frac
	if roundUp {
		ns++
	}
	return ns, true
}

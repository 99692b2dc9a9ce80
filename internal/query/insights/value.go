package insights

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// kind is the type of a value. Every value shows as a string in results;
// numbers and times also compare as numbers.
type kind uint8

const (
	kNull kind = iota // absent field or no result
	kStr
	kNum
	kBool
	kTime // n holds epoch milliseconds
)

// value is the result of an expression.
type value struct {
	k kind
	s string  // kStr; kNum from JSON keeps its text here
	n float64 // kNum, kTime, kBool (1/0)
}

var null = value{}

func str(s string) value      { return value{k: kStr, s: s} }
func num(f float64) value     { return value{k: kNum, n: f} }
func timeMs(ms float64) value { return value{k: kTime, n: ms} }
func boolean(b bool) value {
	if b {
		return value{k: kBool, n: 1}
	}
	return value{k: kBool}
}

// TimeLayout is how @timestamp and bin() values are rendered (UTC).
const TimeLayout = "2006-01-02 15:04:05.000"

// String renders v as a result value.
func (v value) String() string {
	switch v.k {
	case kStr:
		return v.s
	case kNum:
		if v.s != "" {
			return v.s
		}
		return formatNum(v.n)
	case kBool:
		if v.n != 0 {
			return "true"
		}
		return "false"
	case kTime:
		return time.UnixMilli(int64(v.n)).UTC().Format(TimeLayout)
	}
	return ""
}

func formatNum(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// number reports v as a number: numbers, times and numeric strings.
func (v value) number() (float64, bool) {
	switch v.k {
	case kNum, kTime, kBool:
		return v.n, true
	case kStr:
		f, err := strconv.ParseFloat(strings.TrimSpace(v.s), 64)
		return f, err == nil && !math.IsNaN(f)
	}
	return 0, false
}

// truthy is how a value counts as a filter condition.
func (v value) truthy() bool {
	switch v.k {
	case kBool, kNum:
		return v.n != 0
	case kStr:
		return v.s != ""
	case kTime:
		return true
	}
	return false
}

// compare orders a and b: numerically when both are numbers (or one is a
// number and the other a numeric string), as strings otherwise. ok is
// false when either is absent.
func compare(a, b value) (c int, ok bool) {
	if a.k == kNull || b.k == kNull {
		return 0, false
	}
	if a.k != kStr || b.k != kStr {
		if x, okx := a.number(); okx {
			if y, oky := b.number(); oky {
				return cmpFloat(x, y), true
			}
		}
	}
	return strings.Compare(a.String(), b.String()), true
}

// sortCompare orders values for sort: numerically when both read as
// numbers, absent values greater than any other.
func sortCompare(a, b value) int {
	switch {
	case a.k == kNull && b.k == kNull:
		return 0
	case a.k == kNull:
		return 1
	case b.k == kNull:
		return -1
	}
	if x, ok := a.number(); ok {
		if y, ok := b.number(); ok {
			return cmpFloat(x, y)
		}
	}
	c, _ := compare(a, b)
	return c
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

package query

import (
	"errors"
	"fmt"
	"strconv"
)

// A filter on a typed field of its source (duration_ms, status_code and
// error on spans; severity_number on log events) must fit the field's type:
// text compared with a number field would be compared as text ("1s" > "1000")
// and match the wrong rows without a word. Attributes and span event columns
// have no declared type and keep the value-decides rule of Filter.

// fieldType returns the declared type of a field of the source; ok is false
// for attributes and event columns.
func fieldType(src Source, column string) (Type, bool) {
	for _, c := range Fields(src) {
		if c.Name == column {
			return c.Type, true
		}
	}
	return "", false
}

// checkFilterTypes reports the first filter whose operator or value does not
// fit the type of the field it reads, as a *FieldError naming the filter
// ("filters[2].value") and, in the message, the filter itself.
func checkFilterTypes(field string, src Source, fs []Filter) error {
	for i, f := range fs {
		t, ok := fieldType(src, f.Column)
		if !ok || t == TypeString {
			continue
		}
		part, err := fitType(f, t)
		if err != nil {
			return &FieldError{Field: fmt.Sprintf("%s[%d].%s", field, i, part), Err: fmt.Errorf("%s: %w", describe(f), err)}
		}
	}
	return nil
}

// errTextOp is the failure of a text operator on a number or boolean field.
var errTextOp = errors.New("compares text")

// fitType checks one filter against a number or boolean field type; part is
// "op" or "value", whichever does not fit.
func fitType(f Filter, t Type) (part string, err error) {
	numeric := t == TypeInteger || t == TypeFloat
	switch f.Op {
	case FilterExists, FilterDoesNotExist:
		return "", nil
	case FilterContains, FilterDoesNotContain, FilterStartsWith, FilterDoesNotStartWith:
		return "op", fmt.Errorf("%s %w, and %s is %s", f.Op, errTextOp, f.Column, typeNoun(t))
	case FilterGt, FilterGe, FilterLt, FilterLe:
		if !numeric {
			return "op", fmt.Errorf("%s is %s: use = or !=", f.Column, typeNoun(t))
		}
	}
	for _, v := range f.Values {
		switch {
		case numeric:
			if _, ok := v.(float64); !ok {
				return "value", fmt.Errorf("%s is %s; give a number%s", f.Column, typeNoun(t), numberHint(f.Column, v))
			}
		default:
			if _, ok := v.(bool); !ok {
				return "value", fmt.Errorf("%s is %s; give the boolean true or false, not text", f.Column, typeNoun(t))
			}
		}
	}
	return "", nil
}

func typeNoun(t Type) string {
	switch t {
	case TypeInteger:
		return "a whole number"
	case TypeFloat:
		return "a number"
	case TypeBoolean:
		return "true or false"
	}
	return "text"
}

// numberHint suggests the number the sender probably meant.
func numberHint(column string, v any) string {
	s, ok := v.(string)
	if !ok {
		return ""
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return fmt.Sprintf(" (%s, not the text %q)", s, s)
	}
	if column == ColDuration {
		return " of milliseconds (1000 for 1s)"
	}
	return ""
}

// describe writes a filter as the query builder does: `duration_ms > "1s"`.
func describe(f Filter) string {
	s := f.Column + " " + string(f.Op)
	for i, v := range f.Values {
		sep := ", "
		if i == 0 {
			sep = " "
		}
		switch x := v.(type) {
		case string:
			s += sep + strconv.Quote(x)
		default:
			s += sep + fmt.Sprint(x)
		}
	}
	return s
}

package api

import (
	"encoding/json"
	"math"
	"testing"
	"unicode/utf8"

	"lookout/internal/model"
)

func TestAppendValue(t *testing.T) {
	for _, tc := range []struct {
		in   model.Value
		want string
	}{
		{model.Value{}, `null`},
		{model.StringValue(`a "q" \ <b> & é` + "\n\t\x01\u2028"), `"a \"q\" \\ <b> & é\n\t\u0001\u2028"`},
		{model.StringValue("bad \xff utf8"), "\"bad \uFFFD utf8\""},
		{model.BoolValue(false), `false`},
		{model.IntValue(math.MinInt64), `-9223372036854775808`},
		{model.DoubleValue(0.1), `0.1`},
		{model.DoubleValue(1e300), `1e+300`},
		{model.DoubleValue(math.NaN()), `"NaN"`},
		{model.DoubleValue(math.Inf(1)), `"+Inf"`},
		{model.DoubleValue(math.Inf(-1)), `"-Inf"`},
		{model.BytesValue([]byte{0, 1, 0xfe}), `"AAH+"`},
		{model.ArrayValue(), `[]`},
		{model.MapValue(), `{}`},
		{model.ArrayValue(model.IntValue(1), model.Value{}, model.MapValue(str("z", "1"), str("a", "2"))), `[1,null,{"z":"1","a":"2"}]`},
	} {
		got := string(appendValue(nil, tc.in))
		if got != tc.want {
			t.Errorf("appendValue(%+v) = %s, want %s", tc.in, got, tc.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("appendValue(%+v) = %s is not JSON", tc.in, got)
		}
	}
}

// FuzzAppendString checks that any string becomes valid JSON that reads back
// as the same text (after invalid UTF-8 is replaced).
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "\"\\\n\x00\x1f", "<>&", "\u2028\u2029", "\xff\xfe", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("appendString(%q) = %s: %v", s, b, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("appendString(%q) reads back as %q", s, back)
		}
	})
}

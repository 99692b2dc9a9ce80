package awsjson

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseAccessKeys(t *testing.T) {
	for _, c := range []struct {
		in   string
		want map[string]AccessKey
		err  string // substring of the error; "" for none
	}{
		{in: "", want: nil},
		{in: "  ", want: nil},
		{in: "AKID1:s3cret", want: map[string]AccessKey{"AKID1": {"s3cret", "default"}}},
		{in: "AKID1:s3cret:shop", want: map[string]AccessKey{"AKID1": {"s3cret", "shop"}}},
		{in: " AKID1:a/b+c=, AKID2:x:ops ", want: map[string]AccessKey{
			"AKID1": {"a/b+c=", "default"}, "AKID2": {"x", "ops"}}},
		{in: "AKID1", err: "want KEYID:SECRET"},
		{in: "AKID1:a:b:c", err: "want KEYID:SECRET"},
		{in: "AKID1:", err: "empty secret"},
		{in: ":s3cret", err: "key id"},
		{in: "AK ID:s3cret", err: "key id"},
		{in: "AKID1:s3cret:", err: "project"},
		{in: "AKID1:s3cret:a b", err: "project"},
		{in: "AKID1:x,AKID1:y", err: "given twice"},
		{in: "AKID1:x,", err: "want KEYID:SECRET"},
	} {
		got, err := ParseAccessKeys(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseAccessKeys(%q): error %v, want one containing %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseAccessKeys(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

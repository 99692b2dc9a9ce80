package xraygroups

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzARN: reading an ARN never panics and fails only with *Error; the ARN
// of a valid name and an id without a slash reads back as that name and id.
func FuzzARN(f *testing.F) {
	for _, s := range []string{"errors", "a/b", "Default", "", "ü", "x\x00"} {
		f.Add(s, "ZGNYHK6AMBHQ4C3MS3K3QTHXRGT2OZEWA5FKVEMG5UJWUNZRJLKA", "arn:aws:xray:us-east-1:0:group/"+s)
	}
	s := &Service{cfg: DefaultConfig()}
	f.Fuzz(func(t *testing.T, name, id, arn string) {
		if _, _, err := parseARN(arn); err != nil {
			var ge *Error
			if !errors.As(err, &ge) {
				t.Fatalf("parseARN(%q): %v", arn, err)
			}
		}
		if checkName(name, "GroupName") != nil || strings.Contains(id, "/") || !utf8.ValidString(id) {
			return
		}
		built := s.ARN(name, id)
		gotName, gotID, err := parseARN(built)
		if utf8.RuneCountInString(built) > maxARNLen {
			return
		}
		if id == "" && strings.Contains(name, "/") {
			return // the last slash of the name reads as the start of the id
		}
		if err != nil || gotName != name || gotID != id {
			t.Fatalf("ARN(%q, %q) = %q reads as %q, %q, %v", name, id, built, gotName, gotID, err)
		}
	})
}

package errortrack

import (
	"errors"
	"regexp"
)

var projectName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// CheckProjectName reports whether name may name a new project: 1 to 64
// letters, digits, '.', '_' or '-', starting with a letter or digit.
func CheckProjectName(name string) error {
	if !projectName.MatchString(name) {
		return errors.New("name: want 1-64 letters, digits, '.', '_' or '-'")
	}
	return nil
}

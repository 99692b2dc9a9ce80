package diskspace

import (
	"fmt"
	"syscall"
)

// Usage is the space of the file system holding a directory.
type Usage struct {
	Free  int64 // bytes an unprivileged writer may still use
	Total int64 // the file system's size
}

// Stat returns the usage of the file system holding dir.
func Stat(dir string) (Usage, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return Usage{}, fmt.Errorf("disk space of %s: %w", dir, err)
	}
	bs := int64(st.Bsize) //nolint:unconvert // int32 or int64 by platform
	return Usage{Free: int64(st.Bavail) * bs, Total: int64(st.Blocks) * bs}, nil
}

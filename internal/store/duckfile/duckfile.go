// Package duckfile looks at DuckDB database files from the outside: whether
// one is whole enough to open, whether an error DuckDB gave means the file
// is damaged or the disk full, and how a damaged file is set aside.
//
// DuckDB opens a truncated file without complaint as long as its headers
// and catalog are readable, and fails only later, at the first read of a
// missing block; CheckBlocks finds such a file once it is attached.
package duckfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrDamaged is wrapped by the errors of Check and by Damaged.
var ErrDamaged = errors.New("database file is damaged")

// Layout of a DuckDB file of storage version 64 (DuckDB 0.10 to 1.2): a
// main header block, two database headers (the one with the higher
// iteration is current), then blocks of block_alloc_size bytes, numbered
// from 0. Every header and block starts with a checksum of the rest.
const (
	headerSize     = 4096
	dataStart      = 3 * headerSize
	knownVersion   = 64
	defaultBlock   = 256 << 10
	maxBlockSize   = 1 << 30
	checksumSeed   = 5381
	checksumFactor = 0xbf58476d1ce4e5b9
)

// Check reports whether the file at path looks like a DuckDB database
// that can be opened: not empty, its magic bytes, a valid main header and
// at least one valid database header. An error wrapping ErrDamaged says
// what is wrong; other errors are the file system's. A file of another
// storage version passes when its magic bytes are right: DuckDB itself
// judges it. Whether the blocks the database uses are all there is
// CheckBlocks' question, asked once DuckDB has read the catalog.
func Check(path string) error {
	_, err := readHeader(path)
	return err
}

// CheckBlocks reports, as an error wrapping ErrDamaged, a file that ends
// before block last (the highest block its tables and metadata use, as
// pragma_storage_info and pragma_metadata_info list them) does. A file may
// end before the header's block count: blocks that are free at the end
// need not have been written.
func CheckBlocks(path string, last int64) error {
	h, err := readHeader(path)
	if err != nil || h.blockSize == 0 || last < 0 {
		return err
	}
	if need := dataStart + (last+1)*h.blockSize; h.size < need {
		return fmt.Errorf("%s: %w: truncated to %d bytes, its block %d ends at %d", path, ErrDamaged, h.size, last, need)
	}
	return nil
}

type header struct {
	size      int64
	blockSize int64 // 0 for storage versions whose layout is not known here
}

func readHeader(path string) (header, error) {
	f, err := os.Open(path)
	if err != nil {
		return header{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return header{}, err
	}
	h := header{size: fi.Size()}
	if h.size == 0 {
		return h, fmt.Errorf("%s: %w: the file is empty", path, ErrDamaged)
	}
	if h.size < dataStart {
		return h, fmt.Errorf("%s: %w: %d bytes, shorter than the file headers (%d)", path, ErrDamaged, h.size, dataStart)
	}
	head := make([]byte, dataStart)
	if _, err := io.ReadFull(f, head); err != nil {
		return h, fmt.Errorf("%s: read headers: %w", path, err)
	}
	if string(head[8:12]) != "DUCK" {
		return h, fmt.Errorf("%s: %w: not a DuckDB database file", path, ErrDamaged)
	}
	if binary.LittleEndian.Uint64(head[12:20]) != knownVersion {
		return h, nil
	}
	if !checksumOK(head[:headerSize]) {
		return h, fmt.Errorf("%s: %w: the main header's checksum does not match", path, ErrDamaged)
	}
	var best []byte
	for _, b := range [][]byte{head[headerSize : 2*headerSize], head[2*headerSize:]} {
		if checksumOK(b) && (best == nil || iteration(b) > iteration(best)) {
			best = b
		}
	}
	if best == nil {
		return h, fmt.Errorf("%s: %w: neither database header's checksum matches", path, ErrDamaged)
	}
	bs := binary.LittleEndian.Uint64(best[40:48])
	if bs == 0 {
		bs = defaultBlock // written by DuckDB releases that had one block size
	}
	if bs > maxBlockSize {
		return h, fmt.Errorf("%s: %w: the header gives blocks of %d bytes", path, ErrDamaged, bs)
	}
	h.blockSize = int64(bs)
	return h, nil
}

func iteration(h []byte) uint64 { return binary.LittleEndian.Uint64(h[8:16]) }

// checksumOK verifies a header or block: its first 8 bytes are DuckDB's
// checksum of the rest.
func checksumOK(b []byte) bool {
	return binary.LittleEndian.Uint64(b) == checksum(b[8:])
}

func checksum(b []byte) uint64 {
	sum := uint64(checksumSeed)
	for i := 0; i+8 <= len(b); i += 8 {
		sum ^= binary.LittleEndian.Uint64(b[i:]) * checksumFactor
	}
	return sum // header and block sizes are multiples of 8
}

// damageSigns are parts of DuckDB's messages for a file it cannot read.
var damageSigns = []string{
	"not a valid duckdb database file",
	"could not read enough bytes from file",
	"corrupt database file",
	"does not match stored checksum",
	"replaying wal",
	"failed to deserialize",
	"serialization error",
}

// IsDamage reports whether err is DuckDB's (or Check's) way of saying a
// database file is unreadable, as opposed to a busy, locked or full one.
func IsDamage(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrDamaged) {
		return true
	}
	m := strings.ToLower(err.Error())
	if strings.Contains(m, "no space left") || strings.Contains(m, "could not set lock") {
		return false
	}
	for _, s := range damageSigns {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// IsNoSpace reports whether err says the disk (or a quota) is full.
func IsNoSpace(err error) bool {
	if err == nil {
		return false
	}
	m := strings.ToLower(err.Error())
	return strings.Contains(m, "no space left on device") || strings.Contains(m, "disk quota exceeded")
}

// IsInvalidated reports whether err says DuckDB gave up on a database
// instance after a fatal error: nothing works on it until it is reopened.
func IsInvalidated(err error) bool {
	if err == nil {
		return false
	}
	m := strings.ToLower(err.Error())
	return strings.Contains(m, "fatal error") || strings.Contains(m, "database has been invalidated")
}

// SetAside renames a damaged database file and its write-ahead log, if
// any, to path+".damaged-<UTC time>" (and that name + ".wal", so DuckDB's
// tools open them together), makes the renames durable and returns the
// new name of the database file. Nothing is deleted.
func SetAside(path string, now time.Time) (string, error) {
	to := path + ".damaged-" + now.UTC().Format("20060102T150405.000Z")
	if err := os.Rename(path, to); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("set aside %s: %w", path, err)
	}
	if err := os.Rename(path+".wal", to+".wal"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("set aside %s.wal: %w", path, err)
	}
	if err := SyncDir(filepath.Dir(path)); err != nil {
		return "", err
	}
	return to, nil
}

// SyncDir makes the directory's entries (new, renamed or removed files)
// durable.
func SyncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// Size is the bytes of a database file and its write-ahead log; missing
// files count 0.
func Size(path string) int64 {
	var n int64
	for _, f := range []string{path, path + ".wal"} {
		if fi, err := os.Stat(f); err == nil {
			n += fi.Size()
		}
	}
	return n
}

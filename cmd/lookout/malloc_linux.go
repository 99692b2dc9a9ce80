//go:build linux && cgo

package main

// #include <malloc.h>
import "C"

// limitMallocArenas caps glibc's malloc arenas at two. DuckDB allocates from
// many threads, and glibc gives each its own arena that it rarely returns to
// the system: at 10M stored spans, searches took the process to 977 MiB with
// the default and 757 MiB with two arenas (BENCHMARKS.md, problem 4).
func limitMallocArenas() { C.mallopt(C.M_ARENA_MAX, 2) }

// Added by chatwidget's build (server/db/ferretdbBinary.ts, patch p9; docs/embedded-database.md).
//
// FerretDB's SQLite is C translated to Go (modernc.org/sqlite), and so is its C library (modernc.org/libc): on Linux,
// memcmp and memcpy are musl's, translated line by line, one byte (memcmp) or four bytes (memcpy) per loop step.
// Profiled during bench:server's sends they were ~13% of FerretDB's CPU: SQLite's JSON functions look each stored
// document up in their cache of parsed texts by comparing it with memcmp, once per indexed field of the row, and
// copies of rows and pages go through memcpy. The build renames the translated functions to XmemcmpMusl and
// XmemcpyMusl and adds these, which return the same results with Go's vectorised comparison and copy;
// libc_mem_chatwidget_test.go compares them with the originals.

//go:build linux && (amd64 || arm64 || loong64)

package libc

import (
	"bytes"
	"unsafe"
)

// Xmemcmp returns what musl's memcmp returns (XmemcmpMusl): 0 when the n bytes at vl and vr are equal, else the
// difference of the first unequal bytes, read as unsigned. It reads no byte past the 256-byte block holding the first
// difference (and none past n), as the C standard allows of any memcmp.
func Xmemcmp(tls *TLS, vl uintptr, vr uintptr, n Tsize_t) int32 {
	if n == 0 || vl == vr {
		return 0
	}
	l := unsafe.Slice((*byte)(unsafe.Pointer(vl)), n)
	r := unsafe.Slice((*byte)(unsafe.Pointer(vr)), n)
	i := 0
	for len(l)-i >= 256 && bytes.Equal(l[i:i+256], r[i:i+256]) {
		i += 256
	}
	for len(l)-i >= 16 && bytes.Equal(l[i:i+16], r[i:i+16]) {
		i += 16
	}
	for ; i < len(l); i++ {
		if l[i] != r[i] {
			return int32(l[i]) - int32(r[i])
		}
	}
	return 0
}

// Xmemcpy copies n bytes from src to dest and returns dest, as musl's memcpy (XmemcpyMusl) does. Like every memcpy it
// is defined for regions that do not overlap only (SQLite uses memmove where they may); Go's copy moves overlapping
// ones as memmove would.
func Xmemcpy(tls *TLS, dest uintptr, src uintptr, n Tsize_t) uintptr {
	if n != 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(dest)), n), unsafe.Slice((*byte)(unsafe.Pointer(src)), n))
	}
	return dest
}

// Added by chatwidget's build (server/db/ferretdbBinary.ts, patch p9): libc_mem_chatwidget.go's memcmp and memcpy
// against musl's translated ones, which the build keeps in modernc.org/libc as XmemcmpMusl and XmemcpyMusl. The build
// runs it (go test -short) before go build and builds no binary if it fails.

package libcmem_test

import (
	"bytes"
	"math/rand"
	"testing"
	"unsafe"

	"modernc.org/libc"
)

func addr(b []byte, i int) uintptr { return uintptr(unsafe.Pointer(&b[i])) }

// lengths covers every length up to 600 (every position around the 16- and 256-byte blocks) and some large ones.
func lengths(short bool) []int {
	var ns []int
	for n := 0; n <= 600; n++ {
		ns = append(ns, n)
	}
	ns = append(ns, 1023, 1024, 1025, 4095, 4096, 4097, 65535, 65536, 70001)
	if !short {
		ns = append(ns, 1<<20+3)
	}
	return ns
}

func TestMemcmpAsMusl(t *testing.T) {
	tls := libc.NewTLS()
	defer tls.Close()
	rng := rand.New(rand.NewSource(7))
	values := []byte{0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, '"', 'a', 'b'}
	checks := 0
	check := func(l, r []byte, lo, ro, n int) {
		t.Helper()
		var lp, rp uintptr
		if n > 0 {
			lp, rp = addr(l, lo), addr(r, ro)
		}
		got := libc.Xmemcmp(tls, lp, rp, libc.Tsize_t(n))
		want := libc.XmemcmpMusl(tls, lp, rp, libc.Tsize_t(n))
		if got != want {
			t.Fatalf("memcmp(n=%d, offsets %d/%d): got %d, musl %d", n, lo, ro, got, want)
		}
		checks++
	}
	for _, n := range lengths(testing.Short()) {
		for _, offsets := range [][2]int{{0, 0}, {1, 0}, {0, 3}, {5, 7}} {
			lo, ro := offsets[0], offsets[1]
			l := make([]byte, n+lo+8)
			rng.Read(l)
			r := make([]byte, n+ro+8)
			copy(r[ro:], l[lo:lo+n])
			check(l, r, lo, ro, n) // equal
			if n == 0 {
				continue
			}
			positions := []int{0, n / 2, n - 1, rng.Intn(n)}
			if n > 300 && n < 1000 {
				for p := 240; p < 272 && p < n; p++ { // around the first 256-byte block's end
					positions = append(positions, p)
				}
			}
			for _, p := range positions {
				for _, v := range values {
					saved := r[ro+p]
					if l[lo+p] == v {
						continue
					}
					r[ro+p] = v
					check(l, r, lo, ro, n)
					check(r, l, ro, lo, n)
					if p+1 < n { // a second difference after the first
						saved2 := r[ro+n-1]
						r[ro+n-1] ^= 0xff
						check(l, r, lo, ro, n)
						r[ro+n-1] = saved2
					}
					r[ro+p] = saved
				}
			}
		}
	}
	// The same memory on both sides, and texts that differ only past n.
	b := []byte("{\"$s\":{\"p\":{}},\"_id\":\"x\"}")
	check(b, b, 0, 0, len(b))
	c := append([]byte(nil), b...)
	c[len(c)-1] = 0
	check(b, c, 0, 0, len(b)-1)
	if checks < 10000 {
		t.Fatalf("only %d comparisons", checks)
	}
}

func TestMemcpyAsMusl(t *testing.T) {
	tls := libc.NewTLS()
	defer tls.Close()
	rng := rand.New(rand.NewSource(8))
	for _, n := range lengths(testing.Short()) {
		for _, offsets := range [][2]int{{0, 0}, {1, 0}, {0, 3}, {5, 7}, {2, 6}} {
			so, do := offsets[0], offsets[1]
			src := make([]byte, n+so+16)
			rng.Read(src)
			orig := append([]byte(nil), src...)
			got := make([]byte, n+do+16)
			rng.Read(got)
			want := append([]byte(nil), got...)
			var sp, gp, wp uintptr
			if n > 0 {
				sp, gp, wp = addr(src, so), addr(got, do), addr(want, do)
			}
			if r := libc.Xmemcpy(tls, gp, sp, libc.Tsize_t(n)); r != gp {
				t.Fatalf("memcpy(n=%d) returned %#x, not dest %#x", n, r, gp)
			}
			if r := libc.XmemcpyMusl(tls, wp, sp, libc.Tsize_t(n)); r != wp {
				t.Fatalf("musl memcpy(n=%d) returned %#x, not dest %#x", n, r, wp)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("memcpy(n=%d, offsets %d/%d): destination differs from musl's (bytes around it included)", n, so, do)
			}
			if !bytes.Equal(src, orig) {
				t.Fatalf("memcpy(n=%d) changed its source", n)
			}
		}
	}
}

func benchmarkMemcmp(b *testing.B, f func(*libc.TLS, uintptr, uintptr, libc.Tsize_t) int32, n int) {
	tls := libc.NewTLS()
	defer tls.Close()
	l := bytes.Repeat([]byte("{\"a\":1}"), n/7+1)[:n]
	r := append([]byte(nil), l...)
	b.SetBytes(int64(n))
	for i := 0; i < b.N; i++ {
		f(tls, addr(l, 0), addr(r, 0), libc.Tsize_t(n))
	}
}

func BenchmarkMemcmp2KB(b *testing.B)     { benchmarkMemcmp(b, libc.Xmemcmp, 2048) }
func BenchmarkMemcmpMusl2KB(b *testing.B) { benchmarkMemcmp(b, libc.XmemcmpMusl, 2048) }

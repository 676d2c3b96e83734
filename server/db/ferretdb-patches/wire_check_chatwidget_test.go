// Added by chatwidget's build (server/db/ferretdbBinary.ts, patch p14): wire's check of every OpMsg against its fast
// path (wire_check_chatwidget.go). On generated documents of every BSON type (nested documents and arrays, NaN and
// the other doubles at any depth, empty strings, binaries and regexes, strings holding NUL bytes) and on each of them
// truncated and with one byte changed, removed or inserted at every position, plus hand-made invalid ones (unsupported
// tags, array keys out of order, lengths too long or too short): whenever the fast path says the message passes,
// FerretDB's own check must return nil; it must say so for every valid document without NaN (so that it is taken);
// and with NaNs not checked, NaN documents pass both. The build runs it (go test -short) before go build.

package wirecheck_test

import (
	"encoding/binary"
	"math"
	"math/rand"
	"testing"
	"time"

	"github.com/FerretDB/wire"
	"github.com/FerretDB/wire/wirebson"
)

func generate(r *rand.Rand, depth int, nan bool) *wirebson.Document {
	doc := wirebson.MakeDocument(0)
	n := r.Intn(8)
	for i := 0; i < n; i++ {
		name := []string{"a", "_id", "", "messages", "ключ", "x.y", "$set"}[r.Intn(7)]
		if err := doc.Add(name, value(r, depth, nan)); err != nil {
			panic(err)
		}
	}
	return doc
}

func value(r *rand.Rand, depth int, nan bool) any {
	kinds := 14
	if depth <= 0 {
		kinds = 12
	}
	switch r.Intn(kinds) {
	case 0:
		fs := []float64{0, math.Copysign(0, -1), 1.5, math.MaxFloat64, math.SmallestNonzeroFloat64, math.Inf(1), math.Inf(-1)}
		if nan && r.Intn(4) == 0 {
			return math.NaN()
		}
		return fs[r.Intn(len(fs))]
	case 1:
		return []string{"", "hello", "a\x00b", "😀 é", string([]byte{0xff, 0xfe})}[r.Intn(5)]
	case 2:
		return wirebson.Binary{Subtype: wirebson.BinarySubtype(r.Intn(6)), B: []byte("bin")[:r.Intn(4)]}
	case 3:
		return wirebson.ObjectID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, byte(r.Intn(256))}
	case 4:
		return r.Intn(2) == 0
	case 5:
		return time.UnixMilli(r.Int63n(1<<42) - 1<<41).UTC()
	case 6:
		return wirebson.Null
	case 7:
		return wirebson.Regex{Pattern: []string{"", "^a.*b$", "x"}[r.Intn(3)], Options: []string{"", "i", "ms"}[r.Intn(3)]}
	case 8:
		return int32(r.Uint32())
	case 9:
		return wirebson.Timestamp(r.Uint64())
	case 10:
		return int64(r.Uint64())
	case 11:
		return wirebson.Decimal128{L: r.Uint64(), H: r.Uint64()}
	case 12:
		return generate(r, depth-1, nan)
	default:
		arr := wirebson.MakeArray(0)
		for i := r.Intn(5); i > 0; i-- {
			if err := arr.Add(value(r, depth-1, nan)); err != nil {
				panic(err)
			}
		}
		return arr
	}
}

func encode(t *testing.T, doc *wirebson.Document) []byte {
	t.Helper()
	raw, err := doc.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func hasNaN(v any) bool {
	switch v := v.(type) {
	case *wirebson.Document:
		for i := range v.Len() {
			if _, f := v.GetByIndex(i); hasNaN(f) {
				return true
			}
		}
	case *wirebson.Array:
		for i := range v.Len() {
			if hasNaN(v.Get(i)) {
				return true
			}
		}
	case float64:
		return math.IsNaN(v)
	}
	return false
}

// compare checks the fast path's soundness on one message, and returns whether it was taken.
func compare(t *testing.T, kind0 []byte, kind1 [][]byte) bool {
	t.Helper()
	docs := make([]wirebson.RawDocument, len(kind1))
	for i, d := range kind1 {
		docs[i] = d
	}
	fast, err := wire.CheckChatwidget(kind0, docs)
	if fast && err != nil {
		t.Fatalf("the fast path passed a message FerretDB's check refuses (%v): %x %x", err, kind0, kind1)
	}
	return fast
}

func TestCheckFastPath(t *testing.T) {
	saved := wire.CheckNaNs
	defer func() { wire.CheckNaNs = saved }()

	r := rand.New(rand.NewSource(1))
	count := 600
	if testing.Short() {
		count = 200
	}
	var taken, refused, mutated, mutatedTaken int
	for i := 0; i < count; i++ {
		wire.CheckNaNs = true
		doc := generate(r, 3, true)
		raw := encode(t, doc)
		other := encode(t, generate(r, 2, false))
		nan := hasNaN(doc)

		fast := compare(t, raw, [][]byte{other, raw})
		if _, err := wire.CheckChatwidget(raw, nil); (err == nil) != !nan {
			t.Fatalf("FerretDB's check of a generated document: %v (NaN: %v)", err, nan)
		}
		if fast == nan {
			t.Fatalf("the fast path says %v for a valid document (NaN: %v): %x", fast, nan, raw)
		}
		if fast {
			taken++
		} else {
			refused++
		}

		wire.CheckNaNs = false
		if !compare(t, raw, nil) {
			t.Fatalf("with NaNs not checked the fast path refused a valid document: %x", raw)
		}
		wire.CheckNaNs = true

		// Every document truncated, and with a byte changed, removed or inserted, at every position (a sample
		// of positions in -short mode); the length prefix is kept right half of the time so the decoder goes deeper.
		step := 1
		if testing.Short() {
			step = 1 + len(raw)/40
		}
		for pos := 0; pos < len(raw); pos += step {
			variants := [][]byte{
				raw[:pos],
				append(append([]byte{}, raw[:pos]...), raw[pos+1:]...),
				append(append(append([]byte{}, raw[:pos]...), byte(r.Intn(256))), raw[pos:]...),
			}
			for _, b := range []byte{0x00, 0x01, 0x02, 0x03, 0x04, 0x7f, 0xff, byte(r.Intn(256))} {
				changed := append([]byte{}, raw...)
				changed[pos] = b
				variants = append(variants, changed)
			}
			for _, v := range variants {
				for _, fix := range []bool{false, true} {
					if fix && len(v) >= 4 {
						v = append([]byte{}, v...)
						binary.LittleEndian.PutUint32(v, uint32(len(v)))
					}
					mutated++
					if compare(t, v, nil) {
						mutatedTaken++
					}
					compare(t, other, [][]byte{v})
				}
			}
		}
	}

	// Hand-made documents the decoder refuses or accepts at its edges.
	cases := [][]byte{
		{5, 0, 0, 0, 0},
		{5, 0, 0, 0, 1},
		{6, 0, 0, 0, 0, 0},
		{4, 0, 0, 0, 0},
		{13, 0, 0, 0, 0x06, 'u', 0, 0, 0, 0, 0, 0, 0},                                 // undefined
		{8, 0, 0, 0, 0xff, 'k', 0, 0},                                                 // min key
		{8, 0, 0, 0, 0x7f, 'k', 0, 0},                                                 // max key
		{8, 0, 0, 0, 0x0a, 'n', 0, 0},                                                 // null
		{9, 0, 0, 0, 0x08, 'b', 0, 2, 0},                                              // bool 2
		{9, 0, 0, 0, 0x08, 'b', 0, 1, 0},                                              // bool 1
		{10, 0, 0, 0, 0x0b, 'r', 0, 0, 0, 0},                                          // empty regex
		{14, 0, 0, 0, 0x02, 's', 0, 1, 0, 0, 0, 0, 0, 0},                              // empty string
		{14, 0, 0, 0, 0x02, 's', 0, 0, 0, 0, 0, 0, 0, 0},                              // string length 0
		{14, 0, 0, 0, 0x02, 's', 0, 2, 0, 0, 0, 0, 0, 0},                              // string without its NUL inside
		{13, 0, 0, 0, 0x05, 'x', 0, 0, 0, 0, 0, 0, 0},                                 // empty binary
		{13, 0, 0, 0, 0x05, 'x', 0, 1, 0, 0, 0, 0, 0},                                 // binary one byte too long
		{13, 0, 0, 0, 0x04, 'a', 0, 5, 0, 0, 0, 0, 0},                                 // empty array
		{20, 0, 0, 0, 0x04, 'a', 0, 12, 0, 0, 0, 0x0a, '1', 0, 0x0a, '0', 0, 0, 0, 0}, // array keys out of order
		{20, 0, 0, 0, 0x04, 'a', 0, 12, 0, 0, 0, 0x0a, '0', 0, 0x0a, '1', 0, 0, 0, 0}, // array keys in order
		{17, 0, 0, 0, 0x04, 'a', 0, 9, 0, 0, 0, 0x0a, '0', '0', 0, 0, 0},              // array key "00"
		{17, 0, 0, 0, 0x03, 'd', 0, 9, 0, 0, 0, 0x0a, '0', '0', 0, 0, 0},              // document key "00"
	}
	for _, c := range cases {
		compare(t, c, nil)
	}
	if fast, err := wire.CheckChatwidget(cases[len(cases)-1], nil); !fast || err != nil {
		t.Fatalf("a valid hand-made document: fast %v, FerretDB's check %v", fast, err)
	}
	if fast, err := wire.CheckChatwidget(cases[len(cases)-3], nil); fast || err == nil {
		t.Fatalf("array keys out of order: fast %v, FerretDB's check %v", fast, err)
	}
	t.Logf("fast path taken for %d generated documents, refused for %d with NaN; %d of %d mutated documents passed both", taken, refused, mutatedTaken, mutated)
	if taken == 0 || refused == 0 || mutatedTaken == 0 {
		t.Fatal("the generated documents did not exercise both paths")
	}
}

// Added by chatwidget's build (server/db/ferretdbBinary.ts, patch p6): Unmarshal and Marshal
// (sjson_fast_chatwidget.go) must return exactly what FerretDB's own unmarshalOriginal and marshalOriginal return:
// the same documents (down to the sign of a zero, a nil or empty byte slice and the document's internals), the same
// bytes, the same errors and the same panics, on FerretDB's test vectors, on generated documents of every sjson type
// and on malformed or mutated texts. The build runs it before building the binary.

package sjson

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// dump writes a value with every detail reflect.DeepEqual does not see (the sign of zero, NaN, a time's zone).
func dump(b *strings.Builder, v any) {
	switch v := v.(type) {
	case *types.Document:
		if v == nil {
			b.WriteString("doc(nil)")
			return
		}

		fmt.Fprintf(b, "doc[%d,%d]{", v.Len(), v.RecordID())

		keys, values := v.Keys(), v.Values()
		fmt.Fprintf(b, "keysNil=%t;", keys == nil)

		for i, k := range keys {
			fmt.Fprintf(b, "%q:", k)
			dump(b, values[i])
			b.WriteByte(',')
		}

		b.WriteByte('}')
	case *types.Array:
		if v == nil {
			b.WriteString("arr(nil)")
			return
		}

		fmt.Fprintf(b, "arr[%d]{", v.Len())

		for i := 0; i < v.Len(); i++ {
			dump(b, must.NotFail(v.Get(i)))
			b.WriteByte(',')
		}

		b.WriteByte('}')
	case float64:
		fmt.Fprintf(b, "double(%x)", math.Float64bits(v))
	case time.Time:
		fmt.Fprintf(b, "date(%d,%s)", v.UnixNano(), v.Location())
	case types.Binary:
		fmt.Fprintf(b, "bin(%d,%t,%x)", v.Subtype, v.B == nil, v.B)
	default:
		fmt.Fprintf(b, "%T(%#v)", v, v)
	}
}

func same(a, b any) bool {
	if !reflect.DeepEqual(a, b) {
		return false
	}

	var da, db strings.Builder
	dump(&da, a)
	dump(&db, b)

	return da.String() == db.String()
}

// call runs f and returns its panic, if any, as text.
func call(f func()) (p string) {
	defer func() {
		if r := recover(); r != nil {
			p = fmt.Sprint(r)
		}
	}()

	f()

	return ""
}

func errText(err error) string {
	if err == nil {
		return ""
	}

	return err.Error()
}

// checkUnmarshal requires Unmarshal to return what unmarshalOriginal returns for data.
func checkUnmarshal(t *testing.T, data []byte) {
	t.Helper()

	var got, want *types.Document
	var gotErr, wantErr error

	gotPanic := call(func() { got, gotErr = Unmarshal(data) })
	wantPanic := call(func() { want, wantErr = unmarshalOriginal(data) })

	if gotPanic != wantPanic || errText(gotErr) != errText(wantErr) || !same(got, want) {
		t.Fatalf("Unmarshal(%q):\n got %s / %v / %v\nwant %s / %v / %v", data,
			gotPanic, gotErr, got, wantPanic, wantErr, want)
	}
}

// checkMarshal requires Marshal to return what marshalOriginal returns for doc, and the text to decode back the same.
func checkMarshal(t *testing.T, doc *types.Document) []byte {
	t.Helper()

	var got, want []byte
	var gotErr, wantErr error

	gotPanic := call(func() { got, gotErr = Marshal(doc) })
	wantPanic := call(func() { want, wantErr = marshalOriginal(doc) })

	if gotPanic != wantPanic || errText(gotErr) != errText(wantErr) || string(got) != string(want) {
		t.Fatalf("Marshal(%v):\n got %s / %v / %s\nwant %s / %v / %s", doc, gotPanic, gotErr, got, wantPanic, wantErr, want)
	}

	if want != nil {
		checkUnmarshal(t, want)
	}

	return want
}

// checkMutations decodes prefixes of data and data with one byte changed, inserted or removed, at every position of
// a short text and at about 300 positions of a longer one.
func checkMutations(t *testing.T, data []byte) {
	t.Helper()

	step := 1 + len(data)/300
	if testing.Short() {
		step = 1 + len(data)/30
	}

	for i := 0; i <= len(data); i += step {
		checkUnmarshal(t, data[:i])

		for _, c := range []byte{' ', '"', '\\', '0', '1', '-', '.', 'e', '{', '}', '[', ']', ',', ':', 'n', 0x80} {
			inserted := append(append(append([]byte{}, data[:i]...), c), data[i:]...)
			checkUnmarshal(t, inserted)

			if i < len(data) {
				changed := append([]byte{}, data...)
				changed[i] = c
				checkUnmarshal(t, changed)
			}
		}

		if i < len(data) {
			checkUnmarshal(t, append(append([]byte{}, data[:i]...), data[i+1:]...))
		}
	}
}

// vectors are FerretDB's own test cases of this package.
func vectors() []testCase {
	var all []testCase
	for _, cases := range [][]testCase{
		arrayTestCases, binaryTestCases, boolTestCases, dateTimeTestCases, documentTestCases, doubleTestCases,
		int32TestCases, int64TestCases, objectIDTestCases, regexTestCases, stringTestCases, timestampTestCases,
	} {
		all = append(all, cases...)
	}

	return all
}

func TestFastMatchesOriginalOnFerretDBVectors(t *testing.T) {
	for _, tc := range vectors() {
		// each vector's text as a field of a stored document, with its schema as FerretDB's json tags write it
		sch := "{}"
		if tc.sch != nil {
			sch = string(must.NotFail(json.Marshal(tc.sch)))
		}

		for _, j := range []string{tc.j, tc.canonJ} {
			if j != "" {
				checkUnmarshal(t, []byte(`{"$s":{"p":{"v":`+sch+`},"$k":["v"]},"v":`+j+`}`))
			}
		}

		if tc.v == nil || tc.jErr != "" {
			continue
		}

		v := fromSJSON(tc.v)
		if d, ok := v.(*types.Document); ok {
			checkMarshal(t, d)
		}

		doc := must.NotFail(types.NewDocument(
			"v", v,
			"a", must.NotFail(types.NewArray(v, v)),
			"d", must.NotFail(types.NewDocument("x", v)),
		))
		checkMutations(t, checkMarshal(t, doc))
	}

	// TestMarshalUnmarshal and TestUnmarshalInvalid's texts
	for _, j := range []string{
		`{"$s":{}}`,
		`{"$s":{"p":{"foo":{"t":"string"}},"$k":["foo"]},"foo":"bar"}`,
		`{ "$s": { "p": {"foo": {"t": "string"}}, "$k": ["foo"] }, "foo": "bar" }`,
		`{"$s":{"p": {"foo": {"t": "string"}},"$k": ["foo"]}}`,
		`"foo"`,
		`{"$s":{"p": {"foo": {"t": "string"}},"$k": ["foo"]}, "foo": "bar"}foo`,
		`{"foo": "bar"}`,
		`{}`,
		`{"$s":{"p":{}, "$k": []}, "foo": "bar"}`,
		`{"$s":{"p":{"foo":{"t":"string"}},"$k":["foo"],"unknown":"field"},"foo":"bar"}`,
		`{"$s":{"p":{"foo":{"t":"string"}},"$k":["foo"]},"foo":"bar","fizz":"buzz"}`,
		`{"$s":{"p":{"foo":{"t":"string"}},"$k":["foo"]},"fizz":"buzz"}`,
	} {
		checkUnmarshal(t, []byte(j))
	}
}

// Hand-written texts: escapes and unicode the encoder never writes, and forms only the original accepts.
func TestFastMatchesOriginalOnTexts(t *testing.T) {
	s := func(t, v string) string { return `{"$s":{"p":{"v":{"t":"` + t + `"}},"$k":["v"]},"v":` + v + `}` }

	texts := []string{
		s("string", `"\ud83d\ude00"`), s("string", `"\ud83d"`), s("string", `"\ude00\ud83d"`), s("string", `"\ud83dx"`),
		s("string", `"\ud83d\u0041"`), s("string", `"\u00e9\/\'"`), s("string", `"a\u0000b"`), s("string", `"\uZZZZ"`),
		s("string", `"\u12"`), s("string", `"\"\\\/\b\f\n\r\t"`), s("string", "\"\xff\""), s("string", "\"\xed\xa0\x80\""),
		s("string", "\"a\tb\""), s("string", `"é😀\u2028"`), s("string", `"\x"`), s("string", `"`), s("string", `1`),
		s("double", `-0`), s("double", `0`), s("double", `1e400`), s("double", `-1e-400`), s("double", `1.5E+3`),
		s("double", `01`), s("double", `1.`), s("double", `.5`), s("double", `-`), s("double", `9007199254740993`),
		s("double", `"1"`), s("double", `true`), s("double", `1e`), s("double", `-0.0`), s("double", `123456789e-20`),
		s("int", `2147483647`), s("int", `2147483648`), s("int", `-2147483648`), s("int", `-0`), s("int", `1.0`),
		s("int", `1e2`), s("long", `9223372036854775807`), s("long", `9223372036854775808`), s("long", `-1`),
		s("date", `-62135596800000`), s("date", `1.5`), s("date", `253402300799999`),
		s("timestamp", `18446744073709551615`), s("timestamp", `18446744073709551616`), s("timestamp", `-0`),
		s("timestamp", `0`), s("bool", `true`), s("bool", `false`), s("bool", `1`), s("bool", `tru`),
		s("null", `null`), s("null", `1`), s("string", `null`), s("objectId", `null`), s("unknown", `1`),
		s("objectId", `"000102030405060708090a0b"`), s("objectId", `"000102030405060708090A0B"`),
		s("objectId", `"000102030405060708090a0"`), s("objectId", `"000102030405060708090a0g"`),
		s("objectId", `"\u003000102030405060708090a0b"`), s("objectId", `1`),
		`{"$s":{"p":{"v":{"t":"binData","s":0}},"$k":["v"]},"v":""}`,
		`{"$s":{"p":{"v":{"t":"binData","s":0}},"$k":["v"]},"v":"AQID"}`,
		`{"$s":{"p":{"v":{"t":"binData","s":128}},"$k":["v"]},"v":"AQ=="}`,
		`{"$s":{"p":{"v":{"t":"binData","s":256}},"$k":["v"]},"v":"AQ=="}`,
		`{"$s":{"p":{"v":{"t":"binData","s":0}},"$k":["v"]},"v":"AQ"}`,
		`{"$s":{"p":{"v":{"t":"binData","s":0}},"$k":["v"]},"v":"A\nQ=="}`,
		`{"$s":{"p":{"v":{"t":"binData","s":0}},"$k":["v"]},"v":[1,2]}`,
		`{"$s":{"p":{"v":{"t":"binData","s":0}},"$k":["v"]},"v":null}`,
		`{"$s":{"p":{"v":{"t":"binData"}},"$k":["v"]},"v":"AQ=="}`,
		`{"$s":{"p":{"v":{"t":"regex","o":"i"}},"$k":["v"]},"v":"^a\\."}`,
		`{"$s":{"p":{"v":{"t":"regex"}},"$k":["v"]},"v":"a"}`,
		`{"$s":{"p":{"v":{"t":"object","$s":{}}},"$k":["v"]},"v":{}}`,
		`{"$s":{"p":{"v":{"t":"object","$s":{"p":{"a":{"t":"int"}},"$k":["a"]}}},"$k":["v"]},"v":{}}`,
		`{"$s":{"p":{"v":{"t":"object","$s":{}}},"$k":["v"]},"v":{"a":1}}`,
		`{"$s":{"p":{"v":{"t":"object"}},"$k":["v"]},"v":{}}`,
		`{"$s":{"p":{"v":{"t":"array","i":[]}},"$k":["v"]},"v":[]}`,
		`{"$s":{"p":{"v":{"t":"array"}},"$k":["v"]},"v":[]}`,
		`{"$s":{"p":{"v":{"t":"array","i":[{"t":"int"}]}},"$k":["v"]},"v":[null]}`,
		`{"$s":{"p":{"v":{"t":"array","i":[{"t":"int"}]}},"$k":["v"]},"v":[1,2]}`,
		`{"$s":{"p":{"a":{"t":"int"},"b":{"t":"int"}},"$k":["b","a"]},"b":1,"a":2}`,
		`{"$s":{"p":{"a":{"t":"int"},"b":{"t":"int"}},"$k":["a","b"]},"b":1,"a":2}`,
		`{"$s":{"p":{"a":{"t":"int"},"a":{"t":"int"}},"$k":["a","a"]},"a":1,"a":2}`,
		`{"$s":{"p":{"a":{"t":"int"}},"$k":["a","a"]},"a":1,"b":2}`,
		`{"$s":{"p":{"$s":{"t":"int"}},"$k":["$s"]},"$s":1}`,
		`{"$s":{"p":{"a\"b":{"t":"int"}},"$k":["a\"b"]},"a\"b":1}`,
		`{"$s":{"p":{"\u0061":{"t":"int"}},"$k":["a"]},"a":1}`,
		`{"$s":{"p":{"a":{"t":"int"}},"$k":["\u0061"]},"\u0061":1}`,
		`{"$s":{"p":{"a":{"t":"int"}},"$k":["a"]},"A":1}`,
		`{"$s":{"P":{"a":{"t":"int"}},"$K":["a"]},"a":1}`,
		`{"$s":{"$k":["a"],"p":{"a":{"t":"int"}}},"a":1}`,
		`{"a":1,"$s":{"p":{"a":{"t":"int"}},"$k":["a"]}}`,
		`{"$s":{"p":{"a":{"t":"int"}},"$k":["a"]},"a":1} `,
		` {"$s":{}}`,
		`{"$s":{}}{}`,
		`null`,
		``,
	}

	for _, j := range texts {
		checkUnmarshal(t, []byte(j))
	}
}

// gen makes values of every sjson type, with the edge cases each has.
type gen struct{ r *rand.Rand }

var genStrings = []string{
	"", "a", "hello world", `quote " backslash \ slash /`, "<script>&amp;</script>", "line\nbreak\ttab\rreturn",
	"\x00\x01\x1f\x7f", "\b\f", "é", "日本語", "😀 emoji", "\u2028\u2029", "\ufffd", "\xff\xfe invalid", "a\xc3",
	"\xed\xa0\x80", "$s", "_id", "key.with.dots", strings.Repeat("long ", 200),
}

func (g gen) str() string {
	if g.r.Intn(4) == 0 {
		b := make([]byte, g.r.Intn(12))
		for i := range b {
			b[i] = byte(g.r.Intn(256))
		}

		return string(b)
	}

	return genStrings[g.r.Intn(len(genStrings))]
}

func (g gen) scalar() any {
	switch g.r.Intn(13) {
	case 0:
		return []float64{
			0, math.Copysign(0, -1), 1, -1.5, 3.141592653589793, 1e21, 1e20, 1e-6, 1e-7, 5e-324, math.MaxFloat64,
			-math.MaxFloat64, 9007199254740993, float64(math.MaxInt64), 123456789.125, 1e300, 2.5e-10,
		}[g.r.Intn(17)]
	case 1:
		return g.r.NormFloat64() * math.Pow(10, float64(g.r.Intn(60)-30))
	case 2:
		return g.str()
	case 3:
		b := make([]byte, g.r.Intn(20))
		g.r.Read(b)

		if g.r.Intn(5) == 0 {
			b = nil
		}

		return types.Binary{B: b, Subtype: types.BinarySubtype([]byte{0, 1, 2, 3, 4, 5, 128, 255}[g.r.Intn(8)])}
	case 4:
		var id types.ObjectID
		g.r.Read(id[:])

		return id
	case 5:
		return g.r.Intn(2) == 0
	case 6:
		return time.UnixMilli([]int64{0, -1, 1, 1700000000123, -62135596800000, 253402300799999, g.r.Int63n(1 << 45)}[g.r.Intn(7)])
	case 7:
		return types.Null
	case 8:
		return types.Regex{Pattern: g.str(), Options: []string{"", "i", "ms", "x<"}[g.r.Intn(4)]}
	case 9:
		return []int32{0, -1, 1, math.MaxInt32, math.MinInt32, int32(g.r.Uint32())}[g.r.Intn(6)]
	case 10:
		return types.Timestamp([]uint64{0, 1, math.MaxUint64, g.r.Uint64()}[g.r.Intn(4)])
	case 11:
		return []int64{0, -1, math.MaxInt64, math.MinInt64, 1 << 53, g.r.Int63()}[g.r.Intn(6)]
	default:
		return float64(g.r.Intn(1000))
	}
}

func (g gen) value(depth int) any {
	if depth > 0 {
		switch g.r.Intn(5) {
		case 0:
			return g.doc(depth - 1)
		case 1:
			a := types.MakeArray(0)
			for n := g.r.Intn(5); n > 0; n-- {
				a.Append(g.value(depth - 1))
			}

			return a
		}
	}

	return g.scalar()
}

func (g gen) doc(depth int) *types.Document {
	d := must.NotFail(types.NewDocument())
	for n := g.r.Intn(8); n > 0; n-- {
		k := g.str()
		if g.r.Intn(2) == 0 {
			k = fmt.Sprintf("f%d", g.r.Intn(10))
		}

		if k == "$s" {
			continue
		}

		d.Set(k, g.value(depth))
	}

	return d
}

func TestFastMatchesOriginalOnGeneratedDocuments(t *testing.T) {
	g := gen{r: rand.New(rand.NewSource(1))}

	n := 3000
	if testing.Short() {
		n = 300
	}

	for i := 0; i < n; i++ {
		doc := g.doc(3)
		b := checkMarshal(t, doc)

		// the fast paths are taken (not only matched through the fallback): every generated document is encoded by
		// marshalFast, and decoded by unmarshalFast unless a top-level key needs escaping (the original writes those
		// unquoted, so the text is not canonical)
		if _, ok := marshalFast(doc); !ok {
			t.Fatalf("marshalFast refused %v", doc)
		}

		plain := true
		for _, k := range doc.Keys() {
			plain = plain && string(appendString(nil, k)) == `"`+k+`"`
		}

		if _, ok := unmarshalFast(b); plain && !ok {
			t.Fatalf("unmarshalFast refused %s", b)
		}

		if i%100 == 0 {
			checkMutations(t, b)
		}
	}

	// what Marshal refuses or panics on, and what only the original decodes
	for _, doc := range []*types.Document{
		must.NotFail(types.NewDocument("a", math.NaN())),
		must.NotFail(types.NewDocument("a", math.Inf(1))),
		must.NotFail(types.NewDocument("a", must.NotFail(types.NewArray(math.Inf(-1))))),
		must.NotFail(types.NewDocument("a", int32(1), "a", int32(2))),
		must.NotFail(types.NewDocument("d", must.NotFail(types.NewDocument("x", int32(1), "x", "y")))),
		must.NotFail(types.NewDocument("a\"b", int32(1))),
		must.NotFail(types.NewDocument("a\\b", int32(1))),
		must.NotFail(types.NewDocument("a\nb", int32(1), "é<>&", "x")),
		must.NotFail(types.NewDocument()),
		new(types.Document),
		must.NotFail(types.NewDocument("d", new(types.Document), "a", new(types.Array))),
	} {
		checkMarshal(t, doc)
	}

	if p := call(func() { _, _ = Marshal(nil) }); p != "v is nil" {
		t.Fatalf("Marshal(nil) panicked with %q", p)
	}
}

func FuzzFastUnmarshal(f *testing.F) {
	g := gen{r: rand.New(rand.NewSource(2))}
	for i := 0; i < 20; i++ {
		f.Add(must.NotFail(marshalOriginal(g.doc(2))))
	}

	f.Fuzz(func(t *testing.T, data []byte) { checkUnmarshal(t, data) })
}

func BenchmarkFastUnmarshal(b *testing.B) {
	g := gen{r: rand.New(rand.NewSource(3))}
	data := must.NotFail(marshalOriginal(g.doc(3)))

	b.Run("original", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_, _ = unmarshalOriginal(data)
		}
	})
	b.Run("fast", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_, _ = Unmarshal(data)
		}
	})
}

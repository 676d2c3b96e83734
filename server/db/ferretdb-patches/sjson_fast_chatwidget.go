// Added by chatwidget's build (server/db/ferretdbBinary.ts, patch p6; docs/embedded-database.md).
//
// FerretDB's sjson.Unmarshal decodes a stored document through encoding/json three times over (the whole text into a
// map of raw messages, the schema into structs, then every value with a json.Decoder of its own, by reflection), and
// Marshal encodes every value with json.Marshal. Profiled during an export, Unmarshal was ~59% of FerretDB's CPU.
//
// Unmarshal and Marshal below do the same work in one pass over the text or the document. They handle only the exact
// form FerretDB's own Marshal writes (no whitespace, "$s" first, schema properties in key order, every type as Marshal
// spells it); for anything else, and for every error, they hand the input to the original functions (kept in the
// build as unmarshalOriginal and marshalOriginal), so a result or an error never differs from FerretDB's own.
// sjson_fast_chatwidget_test.go compares both on FerretDB's test vectors and on generated documents.

package sjson

import (
	"encoding/base64"
	"encoding/hex"
	"math"
	"strconv"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/FerretDB/FerretDB/internal/types"
)

// Unmarshal decodes the top-level document (see unmarshalOriginal for the format).
func Unmarshal(data []byte) (*types.Document, error) {
	if doc, ok := unmarshalFast(data); ok {
		return doc, nil
	}

	return unmarshalOriginal(data)
}

// Marshal encodes given document fields and set its schema in the field $s (see marshalOriginal).
func Marshal(d *types.Document) ([]byte, error) {
	if d == nil {
		panic("v is nil")
	}

	if b, ok := marshalFast(d); ok {
		return b, nil
	}

	return marshalOriginal(d)
}

// fastKind is a schema element's type.
type fastKind uint8

const (
	fastObject fastKind = iota + 1
	fastArray
	fastDouble
	fastString
	fastBinData
	fastObjectID
	fastBool
	fastDate
	fastNull
	fastRegex
	fastInt
	fastTimestamp
	fastLong
)

// fastKinds maps the schema's "t" of the types without further fields.
var fastKinds = map[string]fastKind{
	"double":    fastDouble,
	"string":    fastString,
	"objectId":  fastObjectID,
	"bool":      fastBool,
	"date":      fastDate,
	"null":      fastNull,
	"int":       fastInt,
	"timestamp": fastTimestamp,
	"long":      fastLong,
}

// fastSchema is a document's schema: its keys in order and the element of each.
type fastSchema struct {
	keys  []string
	props []fastElem
}

// fastElem is one schema element.
type fastElem struct {
	kind    fastKind
	subtype types.BinarySubtype // binData
	options string              // regex
	doc     *fastSchema         // object
	items   []fastElem          // array
}

// fastDecoder reads the canonical form; every method returns false at the first byte that is not.
type fastDecoder struct {
	data []byte
	pos  int
}

func unmarshalFast(data []byte) (*types.Document, bool) {
	dec := fastDecoder{data: data}

	if !dec.literal(`{"$s":`) {
		return nil, false
	}

	sch, ok := dec.schema()
	if !ok {
		return nil, false
	}

	for _, k := range sch.keys {
		if k == "$s" {
			return nil, false
		}
	}

	values := make([]any, len(sch.keys))

	for i, k := range sch.keys {
		if !dec.byte(',') || !dec.key(k) || !dec.byte(':') {
			return nil, false
		}

		if values[i], ok = dec.value(&sch.props[i]); !ok {
			return nil, false
		}
	}

	if !dec.byte('}') || dec.pos != len(dec.data) {
		return nil, false
	}

	return fastDocument(sch.keys, values), true
}

// fastFields lets types.ConvertDocument build a document the way Document.Set would, key by key.
type fastFields struct {
	keys   []string
	values []any
}

func (f fastFields) Keys() []string { return f.keys }
func (f fastFields) Values() []any  { return f.values }

// fastDocument returns what NewDocument followed by Set for each (distinct) key returns.
func fastDocument(keys []string, values []any) *types.Document {
	doc, err := types.ConvertDocument(fastFields{keys: keys, values: values})
	if err != nil {
		panic(err)
	}

	return doc
}

func (d *fastDecoder) byte(c byte) bool {
	if d.pos < len(d.data) && d.data[d.pos] == c {
		d.pos++
		return true
	}

	return false
}

func (d *fastDecoder) peek() byte {
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}

	return 0
}

func (d *fastDecoder) literal(s string) bool {
	if len(d.data)-d.pos >= len(s) && string(d.data[d.pos:d.pos+len(s)]) == s {
		d.pos += len(s)
		return true
	}

	return false
}

// rawString returns the bytes between the quotes of a JSON string at pos and whether it has escapes.
func (d *fastDecoder) rawString() ([]byte, bool, bool) {
	if !d.byte('"') {
		return nil, false, false
	}

	start := d.pos
	escaped := false

	for d.pos < len(d.data) {
		c := d.data[d.pos]

		switch {
		case c == '"':
			s := d.data[start:d.pos]
			d.pos++

			return s, escaped, true
		case c == '\\':
			escaped = true
			d.pos += 2
		case c < ' ':
			return nil, false, false
		default:
			d.pos++
		}
	}

	return nil, false, false
}

// stringBytes returns a JSON string's value as encoding/json decodes it; the bytes may alias the input.
func (d *fastDecoder) stringBytes() ([]byte, bool) {
	raw, escaped, ok := d.rawString()
	if !ok {
		return nil, false
	}

	if !escaped {
		if !utf8.Valid(raw) {
			return nil, false
		}

		return raw, true
	}

	return unescape(raw)
}

func (d *fastDecoder) string() (string, bool) {
	b, ok := d.stringBytes()
	return string(b), ok
}

// key reads a JSON string that must decode to k.
func (d *fastDecoder) key(k string) bool {
	b, ok := d.stringBytes()
	return ok && string(b) == k
}

// unescape decodes a JSON string's escapes as encoding/json's unquote does; invalid UTF-8 is left to the original.
func unescape(s []byte) ([]byte, bool) {
	b := make([]byte, 0, len(s)+2*utf8.UTFMax)

	for r := 0; r < len(s); {
		c := s[r]

		switch {
		case c == '\\':
			if r+1 >= len(s) {
				return nil, false
			}

			switch s[r+1] {
			case '"', '\\', '/':
				b = append(b, s[r+1])
				r += 2
			case 'b':
				b = append(b, '\b')
				r += 2
			case 'f':
				b = append(b, '\f')
				r += 2
			case 'n':
				b = append(b, '\n')
				r += 2
			case 'r':
				b = append(b, '\r')
				r += 2
			case 't':
				b = append(b, '\t')
				r += 2
			case 'u':
				rr := getu4(s[r:])
				if rr < 0 {
					return nil, false
				}

				r += 6

				if utf16.IsSurrogate(rr) {
					rr1 := getu4(s[r:])
					if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
						r += 6
						b = utf8.AppendRune(b, dec)

						break
					}

					rr = unicode.ReplacementChar
				}

				b = utf8.AppendRune(b, rr)
			default:
				return nil, false
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			if rr == utf8.RuneError && size == 1 {
				return nil, false
			}

			b = append(b, s[r:r+size]...)
			r += size
		}
	}

	return b, true
}

// getu4 decodes \uXXXX from the beginning of s, returning the hex value, or -1 (encoding/json's getu4).
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}

	var r rune

	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c = c - '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}

		r = r*16 + rune(c)
	}

	return r
}

// schema reads `{}` or `{"p":{"k1":elem,...},"$k":["k1",...]}` with the same keys in the same order, each once.
func (d *fastDecoder) schema() (*fastSchema, bool) {
	if d.literal(`{}`) {
		return &fastSchema{}, true
	}

	if !d.literal(`{"p":{`) {
		return nil, false
	}

	var sch fastSchema

	for {
		k, ok := d.string()
		if !ok || !d.byte(':') {
			return nil, false
		}

		e, ok := d.elem()
		if !ok {
			return nil, false
		}

		sch.keys = append(sch.keys, k)
		sch.props = append(sch.props, e)

		if d.byte('}') {
			break
		}

		if !d.byte(',') {
			return nil, false
		}
	}

	if !d.literal(`,"$k":[`) {
		return nil, false
	}

	for i, k := range sch.keys {
		if i > 0 && !d.byte(',') {
			return nil, false
		}

		if !d.key(k) {
			return nil, false
		}
	}

	if !d.literal(`]}`) || !distinct(sch.keys) {
		return nil, false
	}

	return &sch, true
}

// distinct reports whether no key appears twice.
func distinct(keys []string) bool {
	if len(keys) <= 16 {
		for i := 1; i < len(keys); i++ {
			for j := 0; j < i; j++ {
				if keys[i] == keys[j] {
					return false
				}
			}
		}

		return true
	}

	seen := make(map[string]struct{}, len(keys))
	for _, k := range keys {
		if _, ok := seen[k]; ok {
			return false
		}

		seen[k] = struct{}{}
	}

	return true
}

// elem reads one schema element as marshalElemForSingleValue writes it.
func (d *fastDecoder) elem() (fastElem, bool) {
	if !d.literal(`{"t":"`) {
		return fastElem{}, false
	}

	start := d.pos
	for d.pos < len(d.data) && d.data[d.pos] != '"' {
		d.pos++
	}

	t := d.data[start:d.pos]
	if !d.byte('"') {
		return fastElem{}, false
	}

	switch string(t) {
	case "object":
		if !d.literal(`,"$s":`) {
			return fastElem{}, false
		}

		sch, ok := d.schema()
		if !ok || !d.byte('}') {
			return fastElem{}, false
		}

		return fastElem{kind: fastObject, doc: sch}, true
	case "array":
		if !d.literal(`,"i":[`) {
			return fastElem{}, false
		}

		items := []fastElem{}

		if !d.byte(']') {
			for {
				e, ok := d.elem()
				if !ok {
					return fastElem{}, false
				}

				items = append(items, e)

				if d.byte(']') {
					break
				}

				if !d.byte(',') {
					return fastElem{}, false
				}
			}
		}

		if !d.byte('}') {
			return fastElem{}, false
		}

		return fastElem{kind: fastArray, items: items}, true
	case "binData":
		if !d.literal(`,"s":`) {
			return fastElem{}, false
		}

		n, ok := d.number()
		if !ok || !d.byte('}') {
			return fastElem{}, false
		}

		s, err := strconv.ParseUint(unsafeString(n), 10, 8)
		if err != nil {
			return fastElem{}, false
		}

		return fastElem{kind: fastBinData, subtype: types.BinarySubtype(s)}, true
	case "regex":
		if !d.literal(`,"o":`) {
			return fastElem{}, false
		}

		o, ok := d.string()
		if !ok || !d.byte('}') {
			return fastElem{}, false
		}

		return fastElem{kind: fastRegex, options: o}, true
	}

	kind, ok := fastKinds[string(t)]
	if !ok || !d.byte('}') {
		return fastElem{}, false
	}

	return fastElem{kind: kind}, true
}

// number reads a JSON number (its grammar exactly) and returns its text.
func (d *fastDecoder) number() ([]byte, bool) {
	start := d.pos
	d.byte('-')

	switch c := d.peek(); {
	case c == '0':
		d.pos++
	case c >= '1' && c <= '9':
		d.digits()
	default:
		return nil, false
	}

	if d.byte('.') {
		if !d.digits() {
			return nil, false
		}
	}

	if c := d.peek(); c == 'e' || c == 'E' {
		d.pos++

		if c := d.peek(); c == '+' || c == '-' {
			d.pos++
		}

		if !d.digits() {
			return nil, false
		}
	}

	return d.data[start:d.pos], true
}

func (d *fastDecoder) digits() bool {
	start := d.pos
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
	}

	return d.pos > start
}

// unsafeString views b as a string for a parse that does not keep it (a failed parse is discarded, not reported).
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}

	return unsafe.String(&b[0], len(b))
}

// value reads one value of the given schema element, as unmarshalSingleValue decodes it.
func (d *fastDecoder) value(e *fastElem) (any, bool) {
	if d.literal("null") {
		return types.Null, true
	}

	switch e.kind {
	case fastObject:
		return d.document(e.doc)
	case fastArray:
		return d.array(e.items)
	case fastDouble:
		n, ok := d.number()
		if !ok {
			return nil, false
		}

		f, err := strconv.ParseFloat(unsafeString(n), 64)
		if err != nil {
			return nil, false
		}

		return f, true
	case fastString:
		return d.string()
	case fastBinData:
		s, ok := d.stringBytes()
		if !ok {
			return nil, false
		}

		b := make([]byte, base64.StdEncoding.DecodedLen(len(s)))

		n, err := base64.StdEncoding.Decode(b, s)
		if err != nil {
			return nil, false
		}

		return types.Binary{B: b[:n], Subtype: e.subtype}, true
	case fastObjectID:
		raw, escaped, ok := d.rawString()
		if !ok || escaped || len(raw) != 2*types.ObjectIDLen {
			return nil, false
		}

		var id types.ObjectID
		if _, err := hex.Decode(id[:], raw); err != nil {
			return nil, false
		}

		return id, true
	case fastBool:
		if d.literal("true") {
			return true, true
		}

		if d.literal("false") {
			return false, true
		}

		return nil, false
	case fastDate:
		i, ok := d.integer(64)
		if !ok {
			return nil, false
		}

		return time.UnixMilli(i), true
	case fastRegex:
		s, ok := d.string()
		if !ok {
			return nil, false
		}

		return types.Regex{Pattern: s, Options: e.options}, true
	case fastInt:
		i, ok := d.integer(32)
		if !ok {
			return nil, false
		}

		return int32(i), true
	case fastTimestamp:
		if d.peek() == '-' {
			return nil, false
		}

		n, ok := d.number()
		if !ok {
			return nil, false
		}

		u, err := strconv.ParseUint(unsafeString(n), 10, 64)
		if err != nil {
			return nil, false
		}

		return types.Timestamp(u), true
	case fastLong:
		i, ok := d.integer(64)
		if !ok {
			return nil, false
		}

		return i, true
	}

	// fastNull with a value other than null, and anything unknown
	return nil, false
}

// integer reads a JSON number that encoding/json stores into an int of the given bits.
func (d *fastDecoder) integer(bits int) (int64, bool) {
	n, ok := d.number()
	if !ok {
		return 0, false
	}

	i, err := strconv.ParseInt(unsafeString(n), 10, bits)
	if err != nil {
		return 0, false
	}

	return i, true
}

// document reads a nested document: `{}` (empty whatever the schema, as documentType decodes it) or every key of the
// schema in its order.
func (d *fastDecoder) document(sch *fastSchema) (any, bool) {
	if d.literal("{}") {
		return new(types.Document), true
	}

	if len(sch.keys) == 0 || !d.byte('{') {
		return nil, false
	}

	values := make([]any, len(sch.keys))

	for i, k := range sch.keys {
		if i > 0 && !d.byte(',') {
			return nil, false
		}

		if !d.key(k) || !d.byte(':') {
			return nil, false
		}

		var ok bool
		if values[i], ok = d.value(&sch.props[i]); !ok {
			return nil, false
		}
	}

	if !d.byte('}') {
		return nil, false
	}

	return fastDocument(sch.keys, values), true
}

// array reads an array with exactly one value per schema item.
func (d *fastDecoder) array(items []fastElem) (any, bool) {
	if !d.byte('[') {
		return nil, false
	}

	a := types.MakeArray(len(items))

	for i := range items {
		if i > 0 && !d.byte(',') {
			return nil, false
		}

		v, ok := d.value(&items[i])
		if !ok {
			return nil, false
		}

		a.Append(v)
	}

	if !d.byte(']') {
		return nil, false
	}

	return a, true
}

// marshalFast writes what marshalOriginal writes, or returns false where that would fail or panic (a duplicate key,
// a NaN or infinite double, a type sjson does not know), so that the original reports it.
func marshalFast(d *types.Document) ([]byte, bool) {
	keys, values, ok := fields(d)
	if !ok {
		return nil, false
	}

	buf := make([]byte, 0, 512)
	if buf, ok = appendSchema(append(buf, `{"$s":`...), keys, values); !ok {
		return nil, false
	}

	for i, key := range keys {
		// the original writes top-level keys unquoted
		buf = append(buf, ',', '"')
		buf = append(buf, key...)
		buf = append(buf, '"', ':')

		if buf, ok = appendValue(buf, values[i]); !ok {
			return nil, false
		}
	}

	return append(buf, '}'), true
}

// appendSchema writes marshalSchemaForDoc's output.
func appendSchema(buf []byte, keys []string, values []any) ([]byte, bool) {
	if len(keys) == 0 {
		return append(buf, `{}`...), true
	}

	buf, ok := appendFields(append(buf, `{"p":{`...), keys, values, appendElem)
	if !ok {
		return nil, false
	}

	buf = append(buf, `},"$k":[`...)

	for i, key := range keys {
		if i > 0 {
			buf = append(buf, ',')
		}

		buf = appendString(buf, key)
	}

	return append(buf, ']', '}'), true
}

// fields returns a document's keys and values, or false for a nil document or one with a key twice (the original's
// Get panics on those).
func fields(d *types.Document) ([]string, []any, bool) {
	if d == nil {
		return nil, nil, false
	}

	keys := d.Keys()
	if !distinct(keys) {
		return nil, nil, false
	}

	return keys, d.Values(), true
}

// appendFields writes `"key":value,...`, each key as json.Marshal quotes it and each value by write.
func appendFields(buf []byte, keys []string, values []any, write func([]byte, any) ([]byte, bool)) ([]byte, bool) {
	var ok bool

	for i, key := range keys {
		if i > 0 {
			buf = append(buf, ',')
		}

		buf = appendString(buf, key)
		buf = append(buf, ':')

		if buf, ok = write(buf, values[i]); !ok {
			return nil, false
		}
	}

	return buf, true
}

// appendItems writes an array's values, comma-separated, each by write.
func appendItems(buf []byte, a *types.Array, write func([]byte, any) ([]byte, bool)) ([]byte, bool) {
	var ok bool

	for i := 0; i < a.Len(); i++ {
		if i > 0 {
			buf = append(buf, ',')
		}

		e, _ := a.Get(i)
		if buf, ok = write(buf, e); !ok {
			return nil, false
		}
	}

	return buf, true
}

// appendElem writes marshalElemForSingleValue's output.
func appendElem(buf []byte, value any) ([]byte, bool) {
	switch v := value.(type) {
	case *types.Document:
		keys, values, ok := fields(v)
		if !ok {
			return nil, false
		}

		if buf, ok = appendSchema(append(buf, `{"t":"object","$s":`...), keys, values); !ok {
			return nil, false
		}

		return append(buf, '}'), true
	case *types.Array:
		if v == nil {
			return nil, false
		}

		buf, ok := appendItems(append(buf, `{"t":"array","i":[`...), v, appendElem)
		if !ok {
			return nil, false
		}

		return append(buf, ']', '}'), true
	case float64:
		return append(buf, `{"t":"double"}`...), true
	case string:
		return append(buf, `{"t":"string"}`...), true
	case types.Binary:
		buf = append(buf, `{"t":"binData","s":`...)
		buf = strconv.AppendUint(buf, uint64(v.Subtype), 10)

		return append(buf, '}'), true
	case types.ObjectID:
		return append(buf, `{"t":"objectId"}`...), true
	case bool:
		return append(buf, `{"t":"bool"}`...), true
	case time.Time:
		return append(buf, `{"t":"date"}`...), true
	case types.NullType:
		return append(buf, `{"t":"null"}`...), true
	case types.Regex:
		buf = append(buf, `{"t":"regex","o":`...)
		buf = appendString(buf, v.Options)

		return append(buf, '}'), true
	case int32:
		return append(buf, `{"t":"int"}`...), true
	case types.Timestamp:
		return append(buf, `{"t":"timestamp"}`...), true
	case int64:
		return append(buf, `{"t":"long"}`...), true
	}

	return nil, false
}

// appendValue writes MarshalSingleValue's output.
func appendValue(buf []byte, value any) ([]byte, bool) {
	switch v := value.(type) {
	case *types.Document:
		keys, values, ok := fields(v)
		if !ok {
			return nil, false
		}

		if buf, ok = appendFields(append(buf, '{'), keys, values, appendValue); !ok {
			return nil, false
		}

		return append(buf, '}'), true
	case *types.Array:
		if v == nil {
			return nil, false
		}

		buf, ok := appendItems(append(buf, '['), v, appendValue)
		if !ok {
			return nil, false
		}

		return append(buf, ']'), true
	case float64:
		return appendFloat(buf, v)
	case string:
		return appendString(buf, v), true
	case types.Binary:
		if v.B == nil {
			return append(buf, "null"...), true
		}

		buf = append(buf, '"')
		buf = base64.StdEncoding.AppendEncode(buf, v.B)

		return append(buf, '"'), true
	case types.ObjectID:
		buf = append(buf, '"')
		buf = hex.AppendEncode(buf, v[:])

		return append(buf, '"'), true
	case bool:
		return strconv.AppendBool(buf, v), true
	case time.Time:
		return strconv.AppendInt(buf, v.UnixMilli(), 10), true
	case types.NullType:
		return append(buf, "null"...), true
	case types.Regex:
		return appendString(buf, v.Pattern), true
	case int32:
		return strconv.AppendInt(buf, int64(v), 10), true
	case types.Timestamp:
		return strconv.AppendUint(buf, uint64(v), 10), true
	case int64:
		return strconv.AppendInt(buf, v, 10), true
	}

	return nil, false
}

// appendFloat writes a float64 as encoding/json does (its floatEncoder); NaN and infinities are its errors.
func appendFloat(buf []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, false
	}

	abs := math.Abs(f)
	format := byte('f')

	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}

	buf = strconv.AppendFloat(buf, f, format, -1, 64)

	if format == 'e' {
		// clean up e-09 to e-9
		n := len(buf)
		if n >= 4 && buf[n-4] == 'e' && buf[n-3] == '-' && buf[n-2] == '0' {
			buf[n-2] = buf[n-1]
			buf = buf[:n-1]
		}
	}

	return buf, true
}

const hexDigits = "0123456789abcdef"

// appendString writes a string as json.Marshal does (HTML characters, U+2028 and U+2029 escaped, invalid UTF-8
// replaced by U+FFFD): encoding/json's appendString with escapeHTML.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0

	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= ' ' && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}

			buf = append(buf, s[start:i]...)

			switch b {
			case '\\', '"':
				buf = append(buf, '\\', b)
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}

			i++
			start = i

			continue
		}

		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i

			continue
		}

		if c == '\u2028' || c == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i

			continue
		}

		i += size
	}

	buf = append(buf, s[start:]...)

	return append(buf, '"')
}

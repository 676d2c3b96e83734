// Added by chatwidget's build (server/db/ferretdbBinary.ts, patch p14; docs/embedded-database.md).
//
// FerretDB sets wire.CheckNaNs, so every OpMsg read from a client and every reply it builds is checked by decoding
// each of its documents deeply (wirebson.RawDocument.DecodeDeep: a Document or an Array allocated for each level, a
// string for each key and string value) and walking the result for a float64 NaN: ~3% of FerretDB's CPU during
// bench:ferretdb's sends. checkFastChatwidget walks the same bytes once without allocating and answers true only
// when that decode would succeed and find no NaN: the same conditions DecodeDeep's decoder tests, field by field (the
// same length checks, the same tags refused, an array's keys "0", "1", ...). Whenever it answers false, FerretDB's
// own check (kept by the build as checkOriginal) runs and returns exactly what it returned. wire_check_chatwidget_test.go
// compares both on generated documents of every type and on every one of them truncated and with bytes changed.

package wire

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"

	"github.com/FerretDB/wire/wirebson"
)

// check implements [MsgBody]: FerretDB's check, skipped when checkFastChatwidget proves it would return nil.
func (msg *OpMsg) check() error {
	if checkFastChatwidget(msg) {
		return nil
	}

	return msg.checkOriginal()
}

// checkFastChatwidget reports true only if msg.checkOriginal() would return nil.
func checkFastChatwidget(msg *OpMsg) bool {
	for _, s := range msg.sections {
		for _, d := range s.documents {
			if d == nil || !validDocumentChatwidget(d, false, CheckNaNs) {
				return false
			}
		}
	}

	return true
}

// findRawChatwidget returns what wirebson.FindRaw returns, without an error value.
func findRawChatwidget(b []byte) (int, bool) {
	if len(b) < 5 {
		return 0, false
	}

	dl := int(binary.LittleEndian.Uint32(b))
	if dl < 5 || len(b) < dl || b[dl-1] != 0 {
		return 0, false
	}

	return dl, true
}

// validDocumentChatwidget reports true only if RawDocument(raw).DecodeDeep() (RawArray(raw).Decode() for an array)
// would succeed and, when nan is set, hold no float64 NaN at any depth.
func validDocumentChatwidget(raw []byte, array bool, nan bool) bool {
	l, ok := findRawChatwidget(raw)
	if !ok || l != len(raw) {
		return false
	}

	var key [20]byte

	offset := 4

	for index := 0; ; index++ {
		if len(raw) < offset+1 {
			return false
		}

		t := raw[offset]
		if t == 0 {
			return len(raw) == offset+1
		}

		offset++

		if len(raw) < offset+1 {
			return false
		}

		n := bytes.IndexByte(raw[offset:], 0)
		if n < 0 {
			return false
		}

		if array && string(raw[offset:offset+n]) != string(strconv.AppendInt(key[:0], int64(index), 10)) {
			return false
		}

		offset += n + 1

		if len(raw) < offset {
			return false
		}

		b := raw[offset:]

		var size int

		switch t {
		case 0x03, 0x04: // document, array
			if size, ok = findRawChatwidget(b); !ok || !validDocumentChatwidget(b[:size], t == 0x04, nan) {
				return false
			}

		case 0x01: // float64
			if len(b) < 8 {
				return false
			}

			if nan && math.IsNaN(math.Float64frombits(binary.LittleEndian.Uint64(b))) {
				return false
			}

			size = 8

		case 0x02: // string
			if len(b) < 5 {
				return false
			}

			i := int(binary.LittleEndian.Uint32(b))
			if i < 1 || len(b) < 4+i || b[4+i-1] != 0 {
				return false
			}

			size = 4 + i

		case 0x05: // binary
			if len(b) < 5 {
				return false
			}

			i := int(binary.LittleEndian.Uint32(b))
			if len(b) < 5+i {
				return false
			}

			size = 5 + i

		case 0x07: // ObjectID
			size = 12

		case 0x08: // bool
			if len(b) < 1 || b[0] > 1 {
				return false
			}

			size = 1

		case 0x09, 0x11, 0x12: // time, timestamp, int64
			size = 8

		case 0x0a: // null
			size = 0

		case 0x0b: // regex: two cstrings
			if len(b) < 2 {
				return false
			}

			p, o := -1, -1
			for i, c := range b {
				if c == 0 {
					if p == -1 {
						p = i
					} else {
						o = i
						break
					}
				}
			}

			if o == -1 {
				return false
			}

			size = o + 1

		case 0x10: // int32
			size = 4

		case 0x13: // decimal128
			size = 16

		default: // undefined, DBPointer, JavaScript, symbol, JavaScript with scope, min and max keys, unknown tags
			return false
		}

		if len(b) < size {
			return false
		}

		offset += size
	}
}

// CheckChatwidget returns what FerretDB's check returns for an OpMsg of these sections and whether ours skipped it;
// for the test only.
func CheckChatwidget(kind0 wirebson.RawDocument, kind1 []wirebson.RawDocument) (fast bool, original error) {
	msg := &OpMsg{sections: []OpMsgSection{{Kind: 0, documents: []wirebson.RawDocument{kind0}}}}
	if len(kind1) > 0 {
		msg.sections = append(msg.sections, OpMsgSection{Kind: 1, Identifier: "documents", documents: kind1})
	}

	return checkFastChatwidget(msg), msg.checkOriginal()
}

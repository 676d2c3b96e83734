// The p12 $push (push_slice_chatwidget.go) through processUpdateOperator, as an update command applies it, against
// MongoDB's documented results: https://www.mongodb.com/docs/manual/reference/operator/update/slice/ and
// push_node.cpp's errors (code and text). The build runs it before `go build` (ferretdbBinary.ts).

package common

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/FerretDB/FerretDB/internal/handler/handlererrors"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
	"github.com/FerretDB/FerretDB/internal/util/testutil"
)

func arrayChatwidget(values ...any) *types.Array {
	return must.NotFail(types.NewArray(values...))
}

func docChatwidget(pairs ...any) *types.Document {
	return must.NotFail(types.NewDocument(pairs...))
}

// pushChatwidget is `{$push: {<key>: {$each: each, <clauses>}}}`.
func pushChatwidget(key string, each any, clauses ...any) *types.Document {
	return docChatwidget("$push", docChatwidget(key, docChatwidget(append([]any{"$each", each}, clauses...)...)))
}

func TestPushSliceChatwidget(t *testing.T) {
	t.Parallel()

	one, two, three := int32(1), int32(2), int32(3)
	message := func(n int32) *types.Document { return docChatwidget("_id", n, "text", "m") }

	for name, tc := range map[string]struct {
		initial  *types.Document // the fields beside {_id: 1}
		update   *types.Document
		expected *types.Array // "a" (or "n.a") after the update
		changed  bool
	}{
		// The manual's examples: $slice with $each.
		"NegativeKeepsTheLast": {
			initial:  docChatwidget("a", arrayChatwidget(int32(40), int32(50), int32(60))),
			update:   pushChatwidget("a", arrayChatwidget(int32(80), int32(78), int32(86)), "$slice", int32(-5)),
			expected: arrayChatwidget(int32(50), int32(60), int32(80), int32(78), int32(86)),
			changed:  true,
		},
		"PositiveKeepsTheFirst": {
			initial:  docChatwidget("a", arrayChatwidget(int32(89), int32(90))),
			update:   pushChatwidget("a", arrayChatwidget(int32(100), int32(20)), "$slice", int32(3)),
			expected: arrayChatwidget(int32(89), int32(90), int32(100)),
			changed:  true,
		},
		"EmptyEachTrims": {
			initial:  docChatwidget("a", arrayChatwidget(int32(89), int32(70), int32(100), int32(20))),
			update:   pushChatwidget("a", arrayChatwidget(), "$slice", int32(-3)),
			expected: arrayChatwidget(int32(70), int32(100), int32(20)),
			changed:  true,
		},
		"ZeroEmpties": {
			initial:  docChatwidget("a", arrayChatwidget(one, two)),
			update:   pushChatwidget("a", arrayChatwidget(three), "$slice", int32(0)),
			expected: arrayChatwidget(),
			changed:  true,
		},
		"NegativeZeroEmpties": {
			initial:  docChatwidget("a", arrayChatwidget(one, two)),
			update:   pushChatwidget("a", arrayChatwidget(three), "$slice", math.Copysign(0, -1)),
			expected: arrayChatwidget(),
			changed:  true,
		},
		"ShorterThanTheSliceKeepsAll": {
			initial:  docChatwidget("a", arrayChatwidget(one)),
			update:   pushChatwidget("a", arrayChatwidget(two, three), "$slice", int32(-5)),
			expected: arrayChatwidget(one, two, three),
			changed:  true,
		},
		"ExactlyTheSlice": {
			initial:  docChatwidget("a", arrayChatwidget(one)),
			update:   pushChatwidget("a", arrayChatwidget(two, three), "$slice", int32(3)),
			expected: arrayChatwidget(one, two, three),
			changed:  true,
		},
		"EmptyEachWithinTheSliceChangesNothing": {
			initial:  docChatwidget("a", arrayChatwidget(one, two)),
			update:   pushChatwidget("a", arrayChatwidget(), "$slice", int32(-2)),
			expected: arrayChatwidget(one, two),
		},
		"MissingField": {
			initial:  docChatwidget(),
			update:   pushChatwidget("a", arrayChatwidget(one, two, three), "$slice", int32(-2)),
			expected: arrayChatwidget(two, three),
			changed:  true,
		},
		"DoubleHoldingAnInteger": {
			initial:  docChatwidget("a", arrayChatwidget(one, two)),
			update:   pushChatwidget("a", arrayChatwidget(three), "$slice", float64(-2)),
			expected: arrayChatwidget(two, three),
			changed:  true,
		},
		"Long": {
			initial:  docChatwidget("a", arrayChatwidget(one, two)),
			update:   pushChatwidget("a", arrayChatwidget(three), "$slice", int64(1)),
			expected: arrayChatwidget(one),
			changed:  true,
		},
		"LongMin": {
			initial:  docChatwidget("a", arrayChatwidget(one, two)),
			update:   pushChatwidget("a", arrayChatwidget(three), "$slice", int64(math.MinInt64)),
			expected: arrayChatwidget(one, two, three),
			changed:  true,
		},
		"LongMax": {
			initial:  docChatwidget("a", arrayChatwidget(one, two)),
			update:   pushChatwidget("a", arrayChatwidget(three), "$slice", int64(math.MaxInt64)),
			expected: arrayChatwidget(one, two, three),
			changed:  true,
		},
		"SliceBeforeEach": {
			initial:  docChatwidget("a", arrayChatwidget(one, two)),
			update:   docChatwidget("$push", docChatwidget("a", docChatwidget("$slice", int32(-1), "$each", arrayChatwidget(three)))),
			expected: arrayChatwidget(three),
			changed:  true,
		},
		// A window of messages, as the chat widget's server writes it: the last 3 kept.
		"Documents": {
			initial:  docChatwidget("a", arrayChatwidget(message(1), message(2), message(3))),
			update:   pushChatwidget("a", arrayChatwidget(message(4), message(5)), "$slice", int32(-3)),
			expected: arrayChatwidget(message(3), message(4), message(5)),
			changed:  true,
		},
		"WithSet": {
			initial: docChatwidget("a", arrayChatwidget(one, two)),
			update: docChatwidget(
				"$push", docChatwidget("a", docChatwidget("$each", arrayChatwidget(three), "$slice", int32(-2))),
				"$set", docChatwidget("stale", false),
			),
			expected: arrayChatwidget(two, three),
			changed:  true,
		},
		"Nested": {
			initial:  docChatwidget("n", docChatwidget("a", arrayChatwidget(one, two))),
			update:   pushChatwidget("n.a", arrayChatwidget(three), "$slice", int32(-1)),
			expected: arrayChatwidget(three),
			changed:  true,
		},
		// Unchanged from FerretDB's: without $slice, and without $each (the value is the element).
		"NoSlice": {
			initial:  docChatwidget("a", arrayChatwidget(one)),
			update:   pushChatwidget("a", arrayChatwidget(two, three)),
			expected: arrayChatwidget(one, two, three),
			changed:  true,
		},
		"PlainValue": {
			initial:  docChatwidget("a", arrayChatwidget(one)),
			update:   docChatwidget("$push", docChatwidget("a", docChatwidget("x", two))),
			expected: arrayChatwidget(one, docChatwidget("x", two)),
			changed:  true,
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			doc := docChatwidget("_id", one)
			for _, key := range tc.initial.Keys() {
				doc.Set(key, must.NotFail(tc.initial.Get(key)))
			}

			changed, err := processUpdateOperator("update", doc, tc.update, false)
			require.NoError(t, err)
			assert.Equal(t, tc.changed, changed)

			path := types.NewStaticPath("a")
			if tc.initial.Has("n") {
				path = types.NewStaticPath("n", "a")
			}

			actual, err := doc.GetByPath(path)
			require.NoError(t, err)
			testutil.AssertEqual(t, tc.expected, actual.(*types.Array))
		})
	}
}

func TestPushSliceErrorsChatwidget(t *testing.T) {
	t.Parallel()

	each := arrayChatwidget(int32(2))

	for name, tc := range map[string]struct {
		update *types.Document
		code   handlererrors.ErrorCode
		msg    string
	}{
		"Fraction": {
			update: pushChatwidget("a", each, "$slice", 1.5),
			code:   handlererrors.ErrBadValue,
			msg:    "The value for $slice must be an integer value but was given type: double",
		},
		"NaN": {
			update: pushChatwidget("a", each, "$slice", math.NaN()),
			code:   handlererrors.ErrBadValue,
			msg:    "The value for $slice must be an integer value but was given type: double",
		},
		"Infinity": {
			update: pushChatwidget("a", each, "$slice", math.Inf(-1)),
			code:   handlererrors.ErrBadValue,
			msg:    "The value for $slice must be an integer value but was given type: double",
		},
		"TooLarge": {
			update: pushChatwidget("a", each, "$slice", 0x1p63),
			code:   handlererrors.ErrBadValue,
			msg:    "The value for $slice must be an integer value but was given type: double",
		},
		"String": {
			update: pushChatwidget("a", each, "$slice", "-1"),
			code:   handlererrors.ErrBadValue,
			msg:    "The value for $slice must be an integer value but was given type: string",
		},
		"Bool": {
			update: pushChatwidget("a", each, "$slice", true),
			code:   handlererrors.ErrBadValue,
			msg:    "The value for $slice must be an integer value but was given type: bool",
		},
		"Null": {
			update: pushChatwidget("a", each, "$slice", types.Null),
			code:   handlererrors.ErrBadValue,
			msg:    "The value for $slice must be an integer value but was given type: null",
		},
		"DuplicateSlice": {
			update: pushChatwidget("a", each, "$slice", int32(1), "$slice", int32(2)),
			code:   handlererrors.ErrBadValue,
			msg:    "Only one $slice is supported.",
		},
		"UnknownClause": {
			update: pushChatwidget("a", each, "$slice", int32(1), "$unknown", int32(1)),
			code:   handlererrors.ErrBadValue,
			msg:    "Unrecognized clause in $push: $unknown",
		},
		"FieldNotClause": {
			update: pushChatwidget("a", each, "b", int32(1)),
			code:   handlererrors.ErrBadValue,
			msg:    "Unrecognized clause in $push: b",
		},
		"UnknownClauseBeforeBadEach": {
			update: pushChatwidget("a", "x", "$unknown", int32(1)),
			code:   handlererrors.ErrBadValue,
			msg:    "Unrecognized clause in $push: $unknown",
		},
		"EachNotArray": {
			update: pushChatwidget("a", "x", "$slice", int32(1)),
			code:   handlererrors.ErrBadValue,
			msg:    "The argument to $each in $push must be an array but it was of type: string",
		},
		"Sort": {
			update: pushChatwidget("a", each, "$sort", int32(1)),
			code:   handlererrors.ErrNotImplemented,
			msg:    "$sort in $push is not implemented",
		},
		"Position": {
			update: pushChatwidget("a", each, "$position", int32(0)),
			code:   handlererrors.ErrNotImplemented,
			msg:    "$position in $push is not implemented",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			doc := docChatwidget("_id", int32(1), "a", arrayChatwidget(int32(1)))
			changed, err := processUpdateOperator("update", doc, tc.update, false)
			assert.False(t, changed)
			assert.Equal(t, NewUpdateError(tc.code, tc.msg, "update"), err)
			// Nothing pushed.
			testutil.AssertEqual(t, docChatwidget("_id", int32(1), "a", arrayChatwidget(int32(1))), doc)
		})
	}
}

// Our build's $push with $slice (ferretdbBinary.ts, p12): FerretDB v1.24's processPushArrayUpdateExpression reads
// $each and ignores every other clause, so `$push: {f: {$each: [...], $slice: -n}}` grew the array without bound.
// processUpdateOperator calls processPushSliceChatwidget instead, which checks the clauses as MongoDB does, lets the
// original push, and then keeps the slice of the array MongoDB documents.

package common

import (
	"fmt"
	"math"

	"github.com/FerretDB/FerretDB/internal/handler/handlererrors"
	"github.com/FerretDB/FerretDB/internal/handler/handlerparams"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// processPushSliceChatwidget changes document according to $push with MongoDB's clauses: $each and $slice; $sort and
// $position, which FerretDB ignored too, are refused as not implemented rather than ignored. Without $each the value is
// pushed as it is, as MongoDB does. If the document was changed it returns true.
func processPushSliceChatwidget(command string, doc *types.Document, key string, pushVal any) (bool, error) {
	pushDoc, ok := pushVal.(*types.Document)
	if !ok || !pushDoc.Has("$each") {
		return processPushArrayUpdateExpression(command, doc, key, pushVal)
	}

	// MongoDB checks every clause's name first (push_node.cpp), then $each, then $slice.
	seen := make(map[string]bool, 2)

	for _, clause := range pushDoc.Keys() {
		if seen[clause] {
			return false, NewUpdateError(handlererrors.ErrBadValue, fmt.Sprintf("Only one %s is supported.", clause), command)
		}

		seen[clause] = true

		switch clause {
		case "$each", "$slice":
		case "$sort", "$position":
			return false, NewUpdateError(
				handlererrors.ErrNotImplemented,
				fmt.Sprintf("%s in $push is not implemented", clause),
				command,
			)
		default:
			return false, NewUpdateError(handlererrors.ErrBadValue, "Unrecognized clause in $push: "+clause, command)
		}
	}

	// Without $slice, or with an $each that is not an array (its error is FerretDB's, MongoDB's text), as before.
	if _, isArray := must.NotFail(pushDoc.Get("$each")).(*types.Array); !isArray || !pushDoc.Has("$slice") {
		return processPushArrayUpdateExpression(command, doc, key, pushVal)
	}

	sliceRaw := must.NotFail(pushDoc.Get("$slice"))

	slice, ok := sliceValueChatwidget(sliceRaw)
	if !ok {
		return false, NewUpdateError(
			handlererrors.ErrBadValue,
			fmt.Sprintf(
				"The value for $slice must be an integer value but was given type: %s",
				handlerparams.AliasFromType(sliceRaw),
			),
			command,
		)
	}

	changed, err := processPushArrayUpdateExpression(command, doc, key, pushVal)
	if err != nil {
		return false, err
	}

	path, err := types.NewPathFromString(key)
	if err != nil {
		return false, lazyerrors.Error(err)
	}

	value, err := doc.GetByPath(path)
	if err != nil {
		return false, lazyerrors.Error(err)
	}

	array, ok := value.(*types.Array)
	if !ok {
		return false, lazyerrors.Errorf("$push left %T at %q", value, key)
	}

	from, to := sliceBoundsChatwidget(array.Len(), slice)
	if from == 0 && to == array.Len() {
		return changed, nil
	}

	kept := types.MakeArray(to - from)
	for i := from; i < to; i++ {
		kept.Append(must.NotFail(array.Get(i)))
	}

	if err = doc.SetByPath(path, kept); err != nil {
		return false, lazyerrors.Error(err)
	}

	return true, nil
}

// sliceValueChatwidget is $slice as an integer: an int, a long, or a double holding an integer a long can hold
// (MongoDB's parseIntegerElementToLong); anything else is refused.
func sliceValueChatwidget(v any) (int64, bool) {
	switch v := v.(type) {
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case float64:
		// NaN differs from its Trunc; ±Inf fall outside the range.
		if v != math.Trunc(v) || v >= 0x1p63 || v < -0x1p63 {
			return 0, false
		}

		return int64(v), true
	default:
		return 0, false
	}
}

// sliceBoundsChatwidget is the part of an array of n elements that $slice keeps: none for 0, the first `slice` for a
// positive one, the last -`slice` for a negative one (all of them when the array is shorter).
func sliceBoundsChatwidget(n int, slice int64) (from, to int) {
	switch {
	case slice >= 0:
		return 0, int(min(int64(n), slice))
	case slice < -int64(n):
		return 0, n
	default:
		return n + int(slice), n
	}
}

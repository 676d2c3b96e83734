/**
 * Our second build-time patch of FerretDB v1.24.2 (`p2`, see docs/embedded-database.md): its SQLite backend answers
 * only a bare `{_id}` filter from an index and decodes every other document of the collection in Go. This adds a
 * SQL prefilter for equality (`{f: v}`, `{f: {$eq: v}}`, `{f: {$in: [...]}}`) on top-level fields holding a string,
 * an ObjectId or a boolean, shaped so SQLite walks the collection's index whose key prefix they are.
 *
 * The prefilter only narrows the candidates: FerretDB still applies the whole filter in Go after it (the backend
 * contract: "Filter may be ignored, or safely applied partially"), so a result never depends on it. It must therefore
 * never drop a document the filter matches: a value is pushed only when its JSON text is unambiguous (no escapes),
 * and an array in the field (which matches when it contains the value) always passes. Checked against the unpatched
 * semantics by `ferretdbPushdown.test.ts`.
 *
 * `p5` adds the same for a `$regex` that is a plain literal (no metacharacters, specials escaped as `escapeRegex` writes
 * them; no options but `m` and `s`) on a top-level field: a row is kept when its stored JSON text contains the literal
 * (when the literal is written as itself in JSON) and the field, extracted, is a string containing it, an array, or a
 * stored regex of the same pattern. The search of the admin list is such a regex (conversationRepository.ts).
 *
 * `p8`: a case "the i-th field of the index's prefix is an array" tests nothing after that field, so SQLite serves it
 * from the same index (an "equal or array" on a later field let it pick an index led by that field instead).
 */
export const PUSHDOWN_FILE = 'internal/backends/sqlite/pushdown_chatwidget.go';

/** The block of `collection.go`'s `Query` that pushed down a bare `{_id}`: replaced by the prefilter below. */
export const QUERY_FILE = 'internal/backends/sqlite/collection.go';
export const QUERY_ID_ONLY = `	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			whereClause = fmt.Sprintf(${'`'} WHERE %s = ?${'`'}, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}
`;
export const QUERY_PUSHDOWN = '\twhereClause, args = prepareWhereClause(params.Filter, meta.Settings.Indexes)\n';

/**
 * `explain` built its SQL from the same bare-`{_id}` block: it shows the plan of the prefilter too (`p8`), so a test can
 * check which indexes SQLite walks for a filter (`filterPushdown` is whether there is one).
 */
export const EXPLAIN_PUSHDOWN = {
  file: QUERY_FILE,
  from: `	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			filterPushdown = true
			whereClause = fmt.Sprintf(${'`'} WHERE %s = ?${'`'}, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}
`,
  to: `${QUERY_PUSHDOWN}	filterPushdown = whereClause != ""
`,
};

/**
 * `p3`: FerretDB's `--test-disable-pushdown` did not reach `find`, `aggregate` and `explain`: each copies the filter
 * (to strip dotted keys) whether or not pushdown is disabled, so the backend still got it. The exactness test and the
 * bench's baseline compare against that flag, so it must mean "every filter applied in Go only" everywhere.
 */
export const DISABLE_PUSHDOWN_PATCHES: { file: string; from: string; to: string }[] = [
  { file: 'internal/handler/msg_find.go', expression: 'params.Filter' },
  { file: 'internal/handler/msg_explain.go', expression: 'params.Filter' },
  { file: 'internal/handler/msg_aggregate.go', expression: 'filter' },
].map(({ file, expression }) => ({
  file,
  from: `if !h.EnableNestedPushdown && ${expression} != nil {`,
  to: `if !h.DisablePushdown && !h.EnableNestedPushdown && ${expression} != nil {`,
}));

export const PUSHDOWN_GO = String.raw`// Added by chatwidget's build (server/db/ferretdbPushdown.ts): SQL prefilter for top-level equality.

package sqlite

import (
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
)

// pushdownCond is one top-level field and the JSON texts it may equal.
type pushdownCond struct {
	field  string
	values []string
}

// pushdownContains is a top-level field and a $regex that is a plain literal: a string matches when it contains it.
type pushdownContains struct {
	field   string
	literal string
	// pattern is the regex as written, when it differs from the literal: a stored regex equal to the filter's matches.
	pattern string
}

// pushdownColumn is the expression FerretDB's indexes are built on (see metadata/registry.go).
func pushdownColumn(field string) string {
	if field == "_id" {
		return metadata.IDColumn
	}

	return metadata.DefaultColumn + "->\"" + field + "\""
}

// pushdownValue returns the stored JSON text of a string, ObjectId or boolean, when it has exactly one form.
func pushdownValue(v any) (string, bool) {
	switch v.(type) {
	case string, types.ObjectID, bool:
	default:
		return "", false
	}

	b, err := sjson.MarshalSingleValue(v)
	if err != nil || strings.ContainsRune(string(b), '\\') {
		return "", false
	}

	return string(b), true
}

func pushdownField(name string) bool {
	if name == "" {
		return false
	}

	for i, r := range name {
		if r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9') {
			continue
		}

		return false
	}

	return true
}

// regexLiteral returns the text a Go regular expression matches when it is a plain literal (no metacharacters; a
// backslash only before ASCII punctuation, which stands for itself), with options that do not change that.
func regexLiteral(pattern, options string) (string, bool) {
	for _, o := range options {
		// 'm' and 's' change only '^', '$' and '.', which a literal has none of; 'i', 'x' and others are not pushed.
		if o != 'm' && o != 's' {
			return "", false
		}
	}

	var b strings.Builder

	escaped := false

	for _, r := range pattern {
		switch {
		case r == 0:
			return "", false
		case escaped:
			if r >= 0x80 || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r <= ' ' {
				return "", false
			}

			b.WriteRune(r)

			escaped = false
		case r == '\\':
			escaped = true
		case strings.ContainsRune(".+*?()|[]{}^$", r):
			return "", false
		default:
			b.WriteRune(r)
		}
	}

	if escaped || b.Len() == 0 {
		return "", false
	}

	return b.String(), true
}

// pushdownRegex returns the literal of a top-level {f: /re/} or {f: {$regex: re, $options: o}} that has one.
func pushdownRegex(v any) (pushdownContains, bool) {
	var pattern, options string

	switch v := v.(type) {
	case types.Regex:
		pattern, options = v.Pattern, v.Options
	case *types.Document:
		var inRegex, inOptions string

		for _, k := range v.Keys() {
			arg, _ := v.Get(k)

			switch k {
			case "$regex":
				switch arg := arg.(type) {
				case string:
					pattern = arg
				case types.Regex:
					pattern, inRegex = arg.Pattern, arg.Options
				default:
					return pushdownContains{}, false
				}
			case "$options":
				o, ok := arg.(string)
				if !ok {
					return pushdownContains{}, false
				}

				inOptions = o
			default:
				return pushdownContains{}, false
			}
		}

		// Options in both places are an error FerretDB reports for each document it tries: never pushed.
		if inRegex != "" && inOptions != "" {
			return pushdownContains{}, false
		}

		options = inRegex + inOptions
	default:
		return pushdownContains{}, false
	}

	literal, ok := regexLiteral(pattern, options)
	if !ok {
		return pushdownContains{}, false
	}

	c := pushdownContains{literal: literal}
	if pattern != literal {
		c.pattern = pattern
	}

	return c, true
}

// jsonInner is the text of s inside its stored JSON string (sjson writes strings as encoding/json does).
func jsonInner(s string) string {
	b, _ := sjson.MarshalSingleValue(s)
	return strings.TrimSuffix(strings.TrimPrefix(string(b), "\""), "\"")
}

// condition keeps the documents whose field is a string containing the literal, an array (whose strings the regex
// tries), or a stored regex equal to the filter's; missing fields, numbers, documents and the rest never match.
//
// A document's stored JSON holds the encoded form of each of its strings, and encoding works character by character:
// when the literal's encoded form is itself (no escapes), every string containing the literal shows it in the raw
// text. That test, on the row's text without parsing it, comes first; only rows that pass it are parsed.
func (c pushdownContains) condition(args *[]any) string {
	value := metadata.DefaultColumn + "->>'$." + c.field + "'"
	text := "instr(" + value + ", ?) > 0"
	raw := ""

	if jsonInner(c.literal) == c.literal {
		raw = "instr(" + metadata.DefaultColumn + ", ?) > 0"

		*args = append(*args, c.literal)

		if c.pattern != "" {
			raw = "(" + raw + " OR instr(" + metadata.DefaultColumn + ", ?) > 0)"

			*args = append(*args, jsonInner(c.pattern))
		}

		raw += " AND "
	}

	*args = append(*args, c.literal)

	if c.pattern != "" {
		text = "(" + text + " OR " + value + " = ?)"

		*args = append(*args, c.pattern)
	}

	return "(" + raw + "CASE json_type(" + metadata.DefaultColumn + ", '$." + c.field + "') WHEN 'text' THEN " + text +
		" WHEN 'array' THEN 1 ELSE 0 END)"
}

func pushdownConds(filter *types.Document) ([]pushdownCond, []pushdownContains) {
	if filter == nil {
		return nil, nil
	}

	keys := filter.Keys()
	seen := make(map[string]bool, len(keys))

	for _, k := range keys {
		if seen[k] {
			return nil, nil
		}

		seen[k] = true
	}

	var conds []pushdownCond

	var contains []pushdownContains

	for _, k := range keys {
		if !pushdownField(k) {
			continue
		}

		v, _ := filter.Get(k)

		if c, ok := pushdownRegex(v); ok {
			c.field = k
			contains = append(contains, c)

			continue
		}

		var values []string

		if d, ok := v.(*types.Document); ok {
			if d.Len() != 1 {
				continue
			}

			op := d.Keys()[0]
			arg, _ := d.Get(op)

			switch op {
			case "$eq":
				if s, ok := pushdownValue(arg); ok {
					values = []string{s}
				}
			case "$in":
				a, ok := arg.(*types.Array)
				if !ok || a.Len() == 0 || a.Len() > 200 {
					continue
				}

				for i := 0; i < a.Len(); i++ {
					e, _ := a.Get(i)

					s, ok := pushdownValue(e)
					if !ok {
						values = nil
						break
					}

					values = append(values, s)
				}
			}
		} else if s, ok := pushdownValue(v); ok {
			values = []string{s}
		}

		if len(values) > 0 {
			conds = append(conds, pushdownCond{field: k, values: values})
		}
	}

	return conds, contains
}

func (c pushdownCond) equal(args *[]any) string {
	for _, v := range c.values {
		*args = append(*args, v)
	}

	if len(c.values) == 1 {
		return pushdownColumn(c.field) + " = ?"
	}

	return pushdownColumn(c.field) + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(c.values)), ", ") + ")"
}

// array matches a JSON array (its text, and only its text, starts with '['; the next byte is '\').
func (c pushdownCond) array() string {
	col := pushdownColumn(c.field)
	return "(" + col + " >= '[' AND " + col + " < '\\')"
}

func (c pushdownCond) equalOrArray(args *[]any) string {
	if c.field == "_id" {
		return c.equal(args)
	}

	eq := c.equal(args)

	return "(" + eq + " OR " + c.array() + ")"
}

// prepareWhereClause returns a WHERE clause that keeps every document the filter may match.
//
// The fields forming the longest key prefix of one of the collection's indexes are written as disjoint cases
// (all equal; or equal before the i-th, which is an array, the later ones not tested), each of which SQLite serves
// from that index; an OR of "equal or array" per field would only use the index's first column. Other pushed fields
// filter rows.
func prepareWhereClause(filter *types.Document, indexes []metadata.IndexInfo) (string, []any) {
	conds, contains := pushdownConds(filter)
	if len(conds) == 0 && len(contains) == 0 {
		return "", nil
	}

	var args []any

	for _, c := range conds {
		if c.field == "_id" {
			return " WHERE " + c.equal(&args), args
		}
	}

	byField := make(map[string]pushdownCond, len(conds))
	for _, c := range conds {
		byField[c.field] = c
	}

	var prefix []pushdownCond

	for _, index := range indexes {
		var p []pushdownCond

		for _, key := range index.Key {
			c, ok := byField[key.Field]
			if !ok {
				break
			}

			p = append(p, c)
		}

		if len(p) > len(prefix) {
			prefix = p
		}
	}

	var parts []string

	if len(prefix) > 0 {
		var cases []string

		// The all-equal case first (it holds nearly every match), then "equal up to i, i-th an array".
		order := []int{len(prefix)}
		for i := 0; i < len(prefix); i++ {
			order = append(order, i)
		}

		for _, i := range order {
			var terms []string

			// The fields after an array one are left to Go: an "equal or array" there is an OR that SQLite may serve
			// from an index led by that field instead (the single-field one on lastDay read every tenant's documents of
			// the listed days for the admin list's first windows), while these cases find no document in practice.
			for j, c := range prefix[:min(i+1, len(prefix))] {
				if j < i || i == len(prefix) {
					terms = append(terms, c.equal(&args))
				} else {
					terms = append(terms, c.array())
				}
			}

			cases = append(cases, "("+strings.Join(terms, " AND ")+")")
		}

		parts = append(parts, "("+strings.Join(cases, " OR ")+")")
	}

	inPrefix := make(map[string]bool, len(prefix))
	for _, c := range prefix {
		inPrefix[c.field] = true
	}

	for _, c := range conds {
		if !inPrefix[c.field] {
			parts = append(parts, c.equalOrArray(&args))
		}
	}

	for _, c := range contains {
		parts = append(parts, c.condition(&args))
	}

	return " WHERE " + strings.Join(parts, " AND "), args
}
`;

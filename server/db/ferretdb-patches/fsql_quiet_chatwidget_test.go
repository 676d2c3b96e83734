// Added by chatwidget's build (server/db/ferretdbBinary.ts, patch p11): fsql's statements run through our methods
// (fsql_quiet_chatwidget.go) and through FerretDB's own (kept as ...Original), on the same statements against SQLite,
// at debug level and at warn level: every result, error text, affected row count and insert id must be the same, the
// log output the same at debug level (each statement's measured duration aside) and empty at warn level for both, and
// getLog's buffer of recent entries must grow the same. At warn level ours must allocate less per statement: the
// formatting they skip is what the patch is for. The build runs it (go test -short) before go build.

package fsql

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/FerretDB/FerretDB/internal/util/logging"
)

func openDB(t testing.TB, level slog.Level, out *bytes.Buffer) *DB {
	t.Helper()
	dsn := "file:" + filepath.Join(t.TempDir(), "db.sqlite") + "?_txlock=immediate&_pragma=journal_mode(wal)"
	sqlDB, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB.SetMaxOpenConns(1)
	l := slog.New(logging.NewHandler(out, &logging.NewHandlerOpts{Base: "json", Level: level}))
	db := WrapDB(sqlDB, "chatwidget-test", l)
	t.Cleanup(func() { db.Close() })
	return db
}

// doc is a stored document as FerretDB writes one, large enough that formatting it shows.
func doc(i int) string {
	return fmt.Sprintf(`{"$s":{"p":{"_id":{"t":"int"},"v":{"t":"string"}},"$k":["_id","v"]},"_id":%d,"v":"%s \"q\" é 😀"}`,
		i, strings.Repeat("x", 40*i))
}

// script runs every method, with results and errors, and returns what it saw.
func script(t *testing.T, original bool, level slog.Level) (results []string, logs string, recent int) {
	t.Helper()
	QuietLoggingDisabled = original
	defer func() { QuietLoggingDisabled = false }()
	var out bytes.Buffer
	db := openDB(t, level, &out)
	ctx := context.Background()
	note := func(format string, args ...any) { results = append(results, fmt.Sprintf(format, args...)) }
	result := func(what string, res sql.Result, err error) {
		if err != nil {
			note("%s: error %v", what, err)
			return
		}
		n, errN := res.RowsAffected()
		id, errID := res.LastInsertId()
		note("%s: %d rows (%v), id %d (%v)", what, n, errN, id, errID)
	}
	rows := func(what string, r *Rows, err error) {
		if err != nil {
			note("%s: error %v (rows nil: %v)", what, err, r == nil)
			return
		}
		defer r.Close()
		cols, _ := r.Columns()
		for r.Next() {
			values := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range values {
				ptrs[i] = &values[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				note("%s: scan error %v", what, err)
				return
			}
			note("%s: %v %v", what, cols, values)
		}
		note("%s: end, err %v", what, r.Err())
	}
	row := func(what string, r *sql.Row) {
		var id int64
		var v string
		err := r.Scan(&id, &v)
		note("%s: %d %q, err %v, is ErrNoRows %v", what, id, v, err, errors.Is(err, sql.ErrNoRows))
	}

	before := recentEntries(t)

	res, err := db.ExecContext(ctx, `CREATE TABLE c (_ferretdb_sjson TEXT)`)
	result("create", res, err)
	res, err = db.ExecContext(ctx, `CREATE UNIQUE INDEX c_id ON c (_ferretdb_sjson->'_id')`)
	result("index", res, err)
	res, err = db.ExecContext(ctx, `CREATE TABLE c (x)`)
	result("create again", res, err)
	for i := 1; i <= 5; i++ {
		res, err = db.ExecContext(ctx, `INSERT INTO c (_ferretdb_sjson) VALUES (?)`, doc(i))
		result(fmt.Sprintf("insert %d", i), res, err)
	}
	res, err = db.ExecContext(ctx, `INSERT INTO c (_ferretdb_sjson) VALUES (?)`, doc(3))
	result("insert duplicate", res, err)
	res, err = db.ExecContext(ctx, `INSERT INTO nowhere VALUES (?)`, 1)
	result("insert nowhere", res, err)

	r, err := db.QueryContext(ctx, `SELECT _ferretdb_sjson->'_id', _ferretdb_sjson FROM c WHERE _ferretdb_sjson->>'_id' IN (?, ?, ?) ORDER BY 1`, 1, 4, 9)
	rows("db query", r, err)
	r, err = db.QueryContext(ctx, `SELEC nothing`)
	rows("db query syntax", r, err)
	row("db row", db.QueryRowContext(ctx, `SELECT _ferretdb_sjson->'_id', _ferretdb_sjson FROM c WHERE _ferretdb_sjson->>'_id' = ?`, 2))
	row("db row none", db.QueryRowContext(ctx, `SELECT _ferretdb_sjson->'_id', _ferretdb_sjson FROM c WHERE _ferretdb_sjson->>'_id' = ?`, 42))
	row("db row error", db.QueryRowContext(ctx, `SELECT nothing FROM c`))

	err = db.InTransaction(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE c SET _ferretdb_sjson = ? WHERE _ferretdb_sjson->>'_id' = ?`, doc(2)+" ", 2)
		result("tx update", res, err)
		res, err = tx.ExecContext(ctx, `UPDATE c SET _ferretdb_sjson = ? WHERE _ferretdb_sjson->>'_id' = ?`, doc(1), 4)
		result("tx update duplicate", res, err)
		res, err = tx.ExecContext(ctx, `DELETE FROM c WHERE _ferretdb_sjson->>'_id' = ?`, 5)
		result("tx delete", res, err)
		res, err = tx.ExecContext(ctx, `INSERT INTO c (_ferretdb_sjson) VALUES (?)`, doc(6))
		result("tx insert", res, err)
		r, err := tx.QueryContext(ctx, `SELECT _ferretdb_sjson->'_id', length(_ferretdb_sjson) FROM c ORDER BY 1`)
		rows("tx query", r, err)
		r, err = tx.QueryContext(ctx, `SELECT * FROM nowhere`)
		rows("tx query nowhere", r, err)
		row("tx row", tx.QueryRowContext(ctx, `SELECT _ferretdb_sjson->'_id', _ferretdb_sjson FROM c WHERE _ferretdb_sjson->>'_id' = ?`, 6))
		row("tx row none", tx.QueryRowContext(ctx, `SELECT _ferretdb_sjson->'_id', _ferretdb_sjson FROM c WHERE _ferretdb_sjson->>'_id' = ?`, 5))
		return nil
	})
	note("transaction committed: %v", err)

	err = db.InTransaction(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM c`)
		result("tx delete all", res, err)
		return errors.New("rolled back")
	})
	note("transaction rolled back: %v", err)

	row("after", db.QueryRowContext(ctx, `SELECT count(*), group_concat(_ferretdb_sjson->'_id') FROM c`))

	return results, normalize(t, out.String()), recentEntries(t) - before
}

func recentEntries(t *testing.T) int {
	t.Helper()
	arr, err := logging.RecentEntries.GetArray()
	if err != nil {
		t.Fatal(err)
	}
	return arr.Len()
}

// normalize drops what differs between two runs of one statement: the timestamp and the measured duration (both
// named "time"), each checked to be there; the rest of each line (level, source file and line, message, args, rows,
// error) is kept as written.
func normalize(t *testing.T, logs string) string {
	t.Helper()
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if line == "" {
			continue
		}
		var fields map[string]any
		if err := json.Unmarshal([]byte(line), &fields); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if _, ok := fields["time"]; !ok {
			t.Fatalf("log line %q has no time", line)
		}
		// The measured duration is written after the timestamp under the same key; the line keeps both.
		if strings.HasPrefix(fields["msg"].(string), "<<< ") && strings.Count(line, `"time":`) != 2 {
			t.Fatalf("log line %q has no duration", line)
		}
		delete(fields, "time")
		b, err := json.Marshal(fields)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	return strings.Join(lines, "\n")
}

func TestQuietLoggingSameResults(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn} {
		t.Run(level.String(), func(t *testing.T) {
			want, wantLogs, wantRecent := script(t, true, level)
			got, gotLogs, gotRecent := script(t, false, level)

			if len(want) < 30 {
				t.Fatalf("the script saw too little: %q", want)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("results differ:\ngot:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if gotLogs != wantLogs {
				t.Fatalf("logs differ:\ngot:\n%s\nwant:\n%s", gotLogs, wantLogs)
			}
			if gotRecent != wantRecent {
				t.Fatalf("getLog's recent entries grew by %d, want %d", gotRecent, wantRecent)
			}

			if level == slog.LevelDebug {
				// Two lines per statement (">>>" and "<<<"), each with its arguments; errors included.
				// Every line names the method that ran the statement as its source, as without the patch.
				for _, s := range []string{`"msg":"\u003e\u003e\u003e UPDATE c SET`, `"msg":"\u003c\u003c\u003c SELECT * FROM nowhere"`, `"rows":1`, `"error":"SQL logic error`, `\\\"q\\\" é 😀`} {
					if !strings.Contains(wantLogs, s) {
						t.Fatalf("the debug log lacks %q:\n%s", s, wantLogs)
					}
				}
				functions := map[string]int{}
				for _, line := range strings.Split(wantLogs, "\n") {
					var fields struct {
						Source struct{ File, Function string }
					}
					if err := json.Unmarshal([]byte(line), &fields); err != nil {
						t.Fatal(err)
					}
					functions[fields.Source.File+" "+strings.TrimPrefix(fields.Source.Function, "github.com/FerretDB/FerretDB/internal/util/fsql.")]++
				}
				var names []string
				for name := range functions {
					names = append(names, name)
				}
				sort.Strings(names)
				wantSources := "fsql/db.go (*DB).ExecContext|fsql/db.go (*DB).QueryContext|fsql/db.go (*DB).QueryRowContext|" +
					"fsql/tx.go (*Tx).ExecContext|fsql/tx.go (*Tx).QueryContext|fsql/tx.go (*Tx).QueryRowContext"
				if strings.Join(names, "|") != wantSources {
					t.Fatalf("the debug lines' sources are %v, want %s", functions, wantSources)
				}
				if wantRecent == 0 {
					t.Fatal("nothing reached getLog's recent entries at debug level")
				}
			} else if wantLogs != "" || wantRecent != 0 {
				t.Fatalf("logged at %v: %q (%d recent entries)", level, wantLogs, wantRecent)
			}
		})
	}
}

func TestQuietLoggingAllocatesLess(t *testing.T) {
	allocs := func(original bool) float64 {
		QuietLoggingDisabled = original
		defer func() { QuietLoggingDisabled = false }()
		var out bytes.Buffer
		db := openDB(t, slog.LevelWarn, &out)
		ctx := context.Background()
		if _, err := db.ExecContext(ctx, `CREATE TABLE c (_ferretdb_sjson TEXT)`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO c VALUES (?)`, doc(20)); err != nil {
			t.Fatal(err)
		}
		text := doc(20)
		var n float64
		err := db.InTransaction(ctx, func(tx *Tx) error {
			n = testing.AllocsPerRun(50, func() {
				if _, err := tx.ExecContext(ctx, `UPDATE c SET _ferretdb_sjson = ?`, text); err != nil {
					t.Fatal(err)
				}
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if out.Len() != 0 {
			t.Fatalf("logged at warn level: %q", out.String())
		}
		return n
	}
	original, ours := allocs(true), allocs(false)
	t.Logf("allocations per UPDATE at warn level: %.0f, FerretDB's own method %.0f", ours, original)
	if ours >= original {
		t.Fatalf("ours allocate %.0f per statement, FerretDB's own %.0f", ours, original)
	}
}

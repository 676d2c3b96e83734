// Added by chatwidget's build (server/db/ferretdbBinary.ts, patch p10): modernc.org/sqlite with its statements kept
// and reused (sqlite_stmtcache_chatwidget.go) against the same driver preparing every statement anew, on the same
// statements: FerretDB's kind of table (JSON text, expression indexes, a unique one), inserts, updates, deletes and
// selects by them, constraint errors, transactions committed and rolled back, the same query open twice on one
// connection, rows closed early, texts of several statements, syntax errors, and schema changes between two runs of
// a kept statement (indexes, columns, the table dropped and created again). Every result, error text, affected row
// count and insert id must be the same. The build runs it (go test -short) before go build.

package stmtcache_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"modernc.org/sqlite"
)

func run(t *testing.T, disabled bool, rounds int) ([]string, int64) {
	t.Helper()
	sqlite.StatementCacheDisabled = disabled
	defer func() { sqlite.StatementCacheDisabled = false }()
	hitsBefore := sqlite.StatementCacheHits()
	dsn := "file:" + filepath.Join(t.TempDir(), "db.sqlite") + "?_txlock=immediate&_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(2)
	ctx := context.Background()
	var log []string
	note := func(format string, args ...any) { log = append(log, fmt.Sprintf(format, args...)) }
	exec := func(q string, args ...any) {
		r, err := db.ExecContext(ctx, q, args...)
		if err != nil {
			note("exec %q: error %v", q, err)
			return
		}
		n, _ := r.RowsAffected()
		id, _ := r.LastInsertId()
		note("exec %q: %d rows, id %d", q, n, id)
	}
	query := func(q string, limit int, args ...any) {
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			note("query %q: error %v", q, err)
			return
		}
		cols, _ := rows.Columns()
		var got []string
		for i := 0; rows.Next() && (limit == 0 || i < limit); i++ {
			values := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for j := range values {
				ptrs[j] = &values[j]
			}
			if err := rows.Scan(ptrs...); err != nil {
				got = append(got, "scan error "+err.Error())
				break
			}
			got = append(got, fmt.Sprint(values...))
		}
		note("query %q %v: cols %v rows %v err %v close %v", q, args, cols, got, rows.Err(), rows.Close())
	}
	rng := rand.New(rand.NewSource(11))
	create := func() {
		exec(`CREATE TABLE IF NOT EXISTS "t" (_ferretdb_sjson TEXT)`)
		exec(`CREATE UNIQUE INDEX IF NOT EXISTS "t_id" ON "t" (_ferretdb_sjson->"_id")`)
		exec(`CREATE INDEX IF NOT EXISTS "t_ab" ON "t" (_ferretdb_sjson->'$.a', _ferretdb_sjson->'$.b')`)
	}
	create()
	doc := func(id int) string {
		return fmt.Sprintf(`{"$s":{"p":{"_id":{"t":"int"},"a":{"t":"string"},"b":{"t":"int"}}},"_id":%d,"a":"v%d","b":%d,"text":"%s"}`,
			id, rng.Intn(5), rng.Intn(100), strings.Repeat("x", rng.Intn(3000)))
	}
	for round := 0; round < rounds; round++ {
		id := rng.Intn(rounds/2 + 1)
		exec(`INSERT INTO "t" (_ferretdb_sjson) VALUES (?)`, doc(id)) // duplicates fail on the unique index
		exec(`UPDATE "t" SET _ferretdb_sjson = ? WHERE _ferretdb_sjson->"_id" = ?`, doc(id), id)
		query(`SELECT _ferretdb_sjson FROM "t" WHERE _ferretdb_sjson->"_id" = ?`, 0, id)
		query(`SELECT _ferretdb_sjson->'$.a', count(*) FROM "t" WHERE _ferretdb_sjson->'$.a' = ? GROUP BY 1`, 0, fmt.Sprintf("v%d", rng.Intn(5)))
		in := make([]any, 1+rng.Intn(4))
		marks := make([]string, len(in))
		for i := range in {
			in[i], marks[i] = rng.Intn(rounds/2+1), "?"
		}
		query(`SELECT _ferretdb_sjson->"_id" FROM "t" WHERE _ferretdb_sjson->"_id" IN (`+strings.Join(marks, ", ")+`) ORDER BY 1`, 0, in...)
		query(`SELECT _ferretdb_sjson->"_id" FROM "t" ORDER BY 1`, 1+rng.Intn(3)) // closed early
		if round%7 == 0 {
			exec(`DELETE FROM "t" WHERE _ferretdb_sjson->"_id" = ?`, rng.Intn(rounds/2+1))
		}
		if round%11 == 0 { // a transaction, committed or rolled back, on one connection
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 3; i++ {
				r, err := tx.ExecContext(ctx, `UPDATE "t" SET _ferretdb_sjson = ? WHERE _ferretdb_sjson->"_id" = ?`, doc(i), i)
				if err != nil {
					note("tx update: error %v", err)
				} else {
					n, _ := r.RowsAffected()
					note("tx update: %d", n)
				}
			}
			if round%22 == 0 {
				note("rollback %v", tx.Rollback())
			} else {
				note("commit %v", tx.Commit())
			}
		}
		if round%13 == 0 { // the same query open twice on one connection
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			q := `SELECT _ferretdb_sjson->"_id" FROM "t" ORDER BY 1 LIMIT 3`
			outer, err := conn.QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for outer.Next() {
				var a int
				_ = outer.Scan(&a)
				inner, err := conn.QueryContext(ctx, q)
				if err != nil {
					note("inner: error %v", err)
					continue
				}
				var ids []int
				for inner.Next() {
					var b int
					_ = inner.Scan(&b)
					ids = append(ids, b)
				}
				note("nested %d %v %v", a, ids, inner.Close())
			}
			note("outer %v %v", outer.Err(), outer.Close())
			_ = conn.Close()
		}
		switch round % 50 { // schema changes between two runs of the same kept statements
		case 10:
			exec(`DROP INDEX "t_ab"`)
		case 20:
			exec(`CREATE INDEX "t_ab" ON "t" (_ferretdb_sjson->'$.b', _ferretdb_sjson->'$.a')`)
		case 30:
			exec(`ALTER TABLE "t" ADD COLUMN "extra" TEXT DEFAULT 'e'`)
			query(`SELECT * FROM "t" ORDER BY rowid LIMIT 2`, 0)
		case 40:
			query(`SELECT * FROM "t" ORDER BY rowid LIMIT 2`, 0)
			exec(`DROP TABLE "t"`)
			query(`SELECT * FROM "t" ORDER BY rowid LIMIT 2`, 0) // no such table
			create()
			query(`SELECT * FROM "t" ORDER BY rowid LIMIT 2`, 0)
		}
		if round%17 == 0 {
			exec(`INSERT INTO "t" (_ferretdb_sjson) VALUES (?); UPDATE "t" SET _ferretdb_sjson = _ferretdb_sjson WHERE _ferretdb_sjson->"_id" = ?`, doc(rounds+round), 1)
			exec(`SELEC nothing`)
			query(`SELECT ?, ?, ?`, 0, nil, 1.5, []byte{0, 1})
		}
	}
	return log, sqlite.StatementCacheHits() - hitsBefore
}

func TestStatementCacheAsUncached(t *testing.T) {
	rounds := 400
	if testing.Short() {
		rounds = 150
	}
	want, _ := run(t, true, rounds)
	got, hits := run(t, false, rounds)
	if len(got) != len(want) {
		t.Fatalf("%d results with the cache, %d without", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("result %d differs:\n cached:   %.600s\n uncached: %.600s", i, got[i], want[i])
		}
	}
	if hits < int64(rounds)*3 {
		t.Fatalf("only %d statements ran from the cache", hits)
	}
}

// Added by chatwidget's build (server/db/ferretdbBinary.ts, patch p13): the same transactions with statement journals
// that spill to a file past 64 KiB (SQLite's default) and with statement journals kept in memory
// (sqlite_stmtjournal_chatwidget.go), on FerretDB's kind of table (JSON text, 16 expression indexes, a unique one):
// statements that change hundreds of KiB of pages, statements failing midway on the unique index (undone alone from
// the statement journal while the transaction's earlier statements stay), savepoints rolled back, a transaction
// rolled back. Every result, error text, the rows after each transaction and SQLite's integrity check must be the
// same. The build runs it (go test -short) before go build.

package stmtjournal_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

const indexes = 15

func doc(id, version int) string {
	fields := make([]string, 0, indexes+2)
	fields = append(fields, fmt.Sprintf(`"_id":%d`, id))
	for i := 1; i <= indexes; i++ {
		fields = append(fields, fmt.Sprintf(`"f%d":"v%d-%d-%d"`, i, i, id%(i+3), version))
	}
	fields = append(fields, fmt.Sprintf(`"text":"%s"`, strings.Repeat(fmt.Sprintf("%d.%d ", id, version), 200)))
	return "{" + strings.Join(fields, ",") + "}"
}

func run(t *testing.T, spill int32) []string {
	t.Helper()
	previous := sqlite3.StatementJournalSpill(spill)
	defer sqlite3.StatementJournalSpill(previous)

	dsn := "file:" + filepath.Join(t.TempDir(), "db.sqlite") + "?_txlock=immediate&_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()

	var log []string
	note := func(format string, args ...any) { log = append(log, fmt.Sprintf(format, args...)) }
	exec := func(q execer, what, query string, args ...any) {
		res, err := q.ExecContext(ctx, query, args...)
		if err != nil {
			note("%s: error %v", what, err)
			return
		}
		n, _ := res.RowsAffected()
		note("%s: %d rows", what, n)
	}
	snapshot := func(what string) {
		rows, err := db.QueryContext(ctx, `SELECT _ferretdb_sjson FROM c ORDER BY _ferretdb_sjson->'_id'`)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		var count int
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			h.Write([]byte(s))
			count++
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		var check string
		if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil {
			t.Fatal(err)
		}
		note("%s: %d rows, %x, integrity %s", what, count, h.Sum(nil), check)
	}

	exec(db, "create", `CREATE TABLE c (_ferretdb_sjson TEXT)`)
	exec(db, "unique index", `CREATE UNIQUE INDEX c_id ON c (_ferretdb_sjson->'_id')`)
	for i := 1; i <= indexes; i++ {
		exec(db, fmt.Sprintf("index %d", i), fmt.Sprintf(`CREATE INDEX c_f%d ON c (_ferretdb_sjson->'f%d', _ferretdb_sjson->'_id')`, i, i))
	}

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for id := 1; id <= 300; id++ {
		exec(tx, fmt.Sprintf("insert %d", id), `INSERT INTO c (_ferretdb_sjson) VALUES (?)`, doc(id, 0))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	snapshot("seeded")

	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	// One statement changing every row and every index: its journal holds hundreds of KiB of pages.
	exec(tx, "update all", `UPDATE c SET _ferretdb_sjson = json_set(_ferretdb_sjson, '$.f1', 'u' || (_ferretdb_sjson->>'_id'), '$.f7', 'w', '$.text', _ferretdb_sjson->>'text' || 'more')`)
	// Many rows inserted, the last one a duplicate: the whole statement undone, the update above kept.
	values := make([]string, 0, 60)
	args := make([]any, 0, 60)
	for id := 301; id <= 359; id++ {
		values = append(values, "(?)")
		args = append(args, doc(id, 1))
	}
	values = append(values, "(?)")
	args = append(args, doc(150, 1))
	exec(tx, "insert many, last duplicate", `INSERT INTO c (_ferretdb_sjson) VALUES `+strings.Join(values, ","), args...)
	// An update failing midway: every row's _id moved to 1000 + _id % 120, a duplicate after 120 rows.
	exec(tx, "update failing midway", `UPDATE c SET _ferretdb_sjson = json_set(_ferretdb_sjson, '$._id', 1000 + (_ferretdb_sjson->>'_id') % 120, '$.f2', 'x')`)
	exec(tx, "insert one", `INSERT INTO c (_ferretdb_sjson) VALUES (?)`, doc(400, 1))
	exec(tx, "savepoint", `SAVEPOINT s`)
	exec(tx, "delete half", `DELETE FROM c WHERE (_ferretdb_sjson->>'_id') % 2 = 0`)
	exec(tx, "update in savepoint", `UPDATE c SET _ferretdb_sjson = json_set(_ferretdb_sjson, '$.f3', 'y')`)
	exec(tx, "rollback to savepoint", `ROLLBACK TO s`)
	exec(tx, "release", `RELEASE s`)
	exec(tx, "delete some", `DELETE FROM c WHERE (_ferretdb_sjson->>'_id') % 7 = 0`)
	exec(tx, "update some", `UPDATE c SET _ferretdb_sjson = json_set(_ferretdb_sjson, '$.f4', 'z') WHERE (_ferretdb_sjson->>'_id') % 3 = 0`)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	snapshot("committed")

	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	exec(tx, "update all again", `UPDATE c SET _ferretdb_sjson = json_set(_ferretdb_sjson, '$.f5', 'gone')`)
	exec(tx, "delete all", `DELETE FROM c`)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	snapshot("rolled back")

	// Without a transaction of its own, a failing statement is undone as its autocommit transaction.
	exec(db, "autocommit update failing midway", `UPDATE c SET _ferretdb_sjson = json_set(_ferretdb_sjson, '$._id', 7)`)
	exec(db, "autocommit update", `UPDATE c SET _ferretdb_sjson = json_set(_ferretdb_sjson, '$.f6', 'last')`)
	snapshot("end")
	return log
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func TestStatementJournalInMemory(t *testing.T) {
	if got := sqlite3.StatementJournalSpill(-1); got != -1 {
		t.Fatalf("statement journals spill past %d bytes, want never (-1)", got)
	}
	want := run(t, 64*1024)
	got := run(t, -1)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("in memory:\n%s\n\nspilled past 64 KiB:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range []string{"update all: 300 rows", "insert many, last duplicate: error", "update failing midway: error", "integrity ok", "rolled back: 259 rows"} {
		if !strings.Contains(strings.Join(want, "\n"), s) {
			t.Fatalf("the transactions did not go as planned (%q missing):\n%s", s, strings.Join(want, "\n"))
		}
	}
}

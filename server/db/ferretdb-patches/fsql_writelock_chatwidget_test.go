// Added by chatwidget's build (server/db/ferretdbBinary.ts, patch p15): writers of one SQLite database queue on its
// mutex (fsql_writelock_chatwidget.go). With SQLite's busy timeout at 0 (so a writer that finds the lock taken fails at
// once instead of sleeping), many goroutines writing through transactions and single statements at once must all
// succeed, and store every row; a read must not wait for a write in progress; a failed transaction must release the
// mutex; two databases must not wait for each other. Without the mutex the same writes fail with SQLITE_BUSY (628 of
// 640 when written). The build runs it (go test -short) before go build.

package fsql

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/FerretDB/FerretDB/internal/util/logging"
)

// openRacing opens a WAL database as FerretDB does (BEGIN IMMEDIATE), with many connections and no busy wait.
func openRacing(t testing.TB, name string) *DB {
	t.Helper()
	dsn := "file:" + filepath.Join(t.TempDir(), name) +
		"?_txlock=immediate&_pragma=busy_timeout(0)&_pragma=journal_mode(wal)"
	sqlDB, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB.SetMaxOpenConns(32)
	var out bytes.Buffer
	l := slog.New(logging.NewHandler(&out, &logging.NewHandlerOpts{Base: "json", Level: slog.LevelWarn}))
	db := WrapDB(sqlDB, "chatwidget-writelock", l)
	t.Cleanup(func() { db.Close() })
	if _, err := db.ExecContext(context.Background(), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"); err != nil {
		t.Fatal(err)
	}
	return db
}

// race writes from 16 goroutines at once, each inserting 40 rows (half in transactions of an insert and an update, half
// as single statements), and returns the errors and the rows stored.
func race(t *testing.T, db *DB) (failed []error, rows int) {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				id := g*1000 + i
				var err error
				if i%2 == 0 {
					err = db.InTransaction(ctx, func(tx *Tx) error {
						if _, err := tx.ExecContext(ctx, "INSERT INTO t (id, v) VALUES (?, ?)", id, "a"); err != nil {
							return err
						}
						_, err := tx.ExecContext(ctx, "UPDATE t SET v = ? WHERE id = ?", fmt.Sprint("b", id), id)
						return err
					})
				} else {
					_, err = db.ExecContext(ctx, "INSERT INTO t (id, v) VALUES (?, ?)", id, "c")
				}
				if err != nil {
					mu.Lock()
					failed = append(failed, err)
					mu.Unlock()
				}
			}
		}(g)
	}
	wg.Wait()
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	return failed, rows
}

func TestWriteLockQueuesWriters(t *testing.T) {
	failed, rows := race(t, openRacing(t, "ours.sqlite"))
	if len(failed) != 0 || rows != 16*40 {
		t.Fatalf("with the write lock: got %d failed writes (first: %v) and %d rows, want 0 and %d", len(failed), first(failed), rows, 16*40)
	}

	WriteLockDisabled = true
	defer func() { WriteLockDisabled = false }()
	failed, rows = race(t, openRacing(t, "original.sqlite"))
	if len(failed) == 0 {
		t.Fatalf("without the write lock no write failed (%d rows): the race above does not race", rows)
	}
	t.Logf("without the write lock: %d of %d writes failed (first: %v), %d rows stored", len(failed), 16*40, first(failed), rows)
}

func TestWriteLockLetsReadsThroughAndIsReleasedOnFailure(t *testing.T) {
	ctx := context.Background()
	db := openRacing(t, "db.sqlite")
	other := openRacing(t, "other.sqlite")

	held := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- db.InTransaction(ctx, func(tx *Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO t (id, v) VALUES (1, 'held')"); err != nil {
				return err
			}
			close(held)
			<-release
			return errors.New("rolled back")
		})
	}()
	<-held

	// While a transaction holds the lock: a read of the same database and a write of another go through.
	within := func(what string, f func() error) {
		t.Helper()
		result := make(chan error, 1)
		go func() { result <- f() }()
		select {
		case err := <-result:
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s waited for the other database's write", what)
		}
	}
	within("a read", func() error {
		var n int
		return db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n)
	})
	within("another database's write", func() error {
		_, err := other.ExecContext(ctx, "INSERT INTO t (id, v) VALUES (1, 'other')")
		return err
	})

	close(release)
	if err := <-done; err == nil || err.Error() != "rolled back" {
		t.Fatalf("the held transaction: got %v, want its own error", err)
	}
	// The failed transaction released the lock: the next write goes through, and it left no row.
	within("the next write", func() error {
		_, err := db.ExecContext(ctx, "INSERT INTO t (id, v) VALUES (2, 'next')")
		return err
	})
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows after the rollback and the next write: got %d (%v), want 1", n, err)
	}
}

func first(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errs[0]
}

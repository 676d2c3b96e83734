// Added by chatwidget's build (server/db/ferretdbBinary.ts, patch p15; docs/embedded-database.md).
//
// SQLite has one writer per database file. FerretDB lets its pooled connections race for that lock: a write that
// finds it taken fails with SQLITE_BUSY and SQLite's busy handler sleeps 1, 2, 5, 10, 15, 20, 25 ms... before each
// retry, whether or not the lock was freed meanwhile. Under concurrent writes the lock then sits idle while writers
// sleep, and each waits for its backoff instead of its turn. The build makes every write of a database (a
// transaction, or a statement run alone) take a mutex of that database first, so writers queue in the process, each
// woken as soon as the previous one is done; SQLite's own locking stays as it was (and still guards the file against
// another process). Reads take no mutex: in WAL mode they never wait for a writer.

package fsql

import (
	"database/sql"
	"sync"
)

// writeLocks holds one mutex per database (per *sql.DB: FerretDB opens one for each SQLite file).
var writeLocks sync.Map

// WriteLockDisabled lets writers race for SQLite's lock, as before the patch; for the test only.
var WriteLockDisabled = false

// lockWrites waits for the database's write turn and returns its release.
func (db *DB) lockWrites() func() {
	if WriteLockDisabled {
		return func() {}
	}
	m, ok := writeLocks.Load(db.sqlDB)
	if !ok {
		m, _ = writeLocks.LoadOrStore(db.sqlDB, new(sync.Mutex))
	}
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// forgetWriteLock drops a closed database's mutex.
func forgetWriteLock(sqlDB *sql.DB) { writeLocks.Delete(sqlDB) }

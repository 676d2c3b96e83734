// Added by chatwidget's build (server/db/ferretdbBinary.ts, patch p11; docs/embedded-database.md).
//
// FerretDB logs every SQL statement it runs, before and after, at debug level: `l.With(slog.Any("args", args))`
// and `fmt.Sprintf(">>> %s", query)`. slog's With formats its attributes when it is called, whatever the level (the
// JSON handler marshals the arguments: a written document's whole JSON text), so at our `--log-level=warn` each
// statement paid for two formatted copies of its arguments and its text that were never printed: ~6.5% of FerretDB's
// CPU during bench:server's sends. The build starts each of fsql's six methods, on the line of its signature (so every
// debug line keeps its source file, line and function), with `if quiet(ctx, l) { return <the method>Quiet(...) }`:
// when debug is off the statement runs alone (below), and when it is on FerretDB's own body runs, unchanged. Nothing
// else observes what is skipped: slog hands a record to the handler (which writes it and keeps it for getLog) only
// when its level is enabled, and the values read for the log (RowsAffected, Row.Err) are stored results.
// fsql_quiet_chatwidget_test.go runs the statements both ways and compares.

package fsql

import (
	"context"
	"database/sql"
	"log/slog"
)

// QuietLoggingDisabled makes every statement take FerretDB's own body, as before the patch; for the test only.
var QuietLoggingDisabled = false

// quiet tells whether a statement's debug lines would be dropped, so that it may run without formatting them.
func quiet(ctx context.Context, l *slog.Logger) bool {
	return !QuietLoggingDisabled && !l.Enabled(ctx, slog.LevelDebug)
}

func (db *DB) queryContextQuiet(ctx context.Context, query string, args ...any) (*Rows, error) {
	rows, err := db.sqlDB.QueryContext(ctx, query, args...)
	return wrapRows(rows), err
}

func (db *DB) queryRowContextQuiet(ctx context.Context, query string, args ...any) *sql.Row {
	return db.sqlDB.QueryRowContext(ctx, query, args...)
}

func (db *DB) execContextQuiet(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return db.sqlDB.ExecContext(ctx, query, args...)
}

func (tx *Tx) queryContextQuiet(ctx context.Context, query string, args ...any) (*Rows, error) {
	rows, err := tx.sqlTx.QueryContext(ctx, query, args...)
	return wrapRows(rows), err
}

func (tx *Tx) queryRowContextQuiet(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.sqlTx.QueryRowContext(ctx, query, args...)
}

func (tx *Tx) execContextQuiet(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.sqlTx.ExecContext(ctx, query, args...)
}

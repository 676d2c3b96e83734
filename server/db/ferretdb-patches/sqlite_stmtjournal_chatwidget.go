// Added by chatwidget's build (server/db/ferretdbBinary.ts, patch p13; docs/embedded-database.md).
//
// Inside a transaction, SQLite keeps a statement journal (the sub-journal: each page a statement changes, as it was)
// so that a statement that fails (a duplicate key in a unique index) can be undone alone. It lives in memory up to
// SQLITE_STMTJRNL_SPILL (64 KiB) and then spills to a temporary file: opened, unlinked, written and closed again at
// the commit. A conversation's update changes a page of each of its 16 indexes besides the row's own, so during
// bench:server's sends the statement journals of most updates spilled: file opens and closes, writes and the copy to
// the file were ~8% of FerretDB's CPU. Writes take turns in SQLite (one writer at a time), so one statement journal
// is alive at once, as large as the pages its statement changes (FerretDB writes a document per statement, or a
// batch of inserts or deletes). Here it stays in memory (-1: never spilled), as SQLite does with `temp_store=MEMORY`;
// its content and use are unchanged. The setting is read when a journal opens (openSubJournal, and the journal of a
// temporary database); sqlite_stmtjournal_chatwidget_test.go runs the same transactions with 64 KiB and with this and
// compares them.

package sqlite3

// StatementJournalSpill sets when statement journals spill to a file (SQLITE_CONFIG_STMTJRNL_SPILL: bytes, or -1 for
// never) and returns the previous value; for the test only.
func StatementJournalSpill(n int32) int32 {
	previous := _sqlite3Config.FnStmtSpill
	_sqlite3Config.FnStmtSpill = n
	return previous
}

func init() {
	_sqlite3Config.FnStmtSpill = -1
}

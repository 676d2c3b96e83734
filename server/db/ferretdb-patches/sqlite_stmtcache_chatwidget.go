// Added by chatwidget's build (server/db/ferretdbBinary.ts, patch p10; docs/embedded-database.md).
//
// modernc.org/sqlite prepares every statement it runs (sqlite3_prepare_v2: SQLite's parser and code generator) and
// finalizes it once done, and FerretDB runs the same few statements over and over: the UPDATE of a conversation,
// whose program writes 16 indexes, is compiled anew at every send. Profiled during bench:server's sends, preparing was
// ~14% of FerretDB's CPU. Each connection here keeps the statements it prepared, reset, under their SQL text, and runs
// a cached one when the same text comes again: what sqlite3_reset is for. SQLite re-prepares a cached statement by
// itself when the schema changed (sqlite3_prepare_v2), so it always runs as a fresh one would.
// sqlite_stmtcache_chatwidget_test.go runs the same statements with and without the cache and compares every result.

package sqlite

import (
	"sync/atomic"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// StatementCacheDisabled turns the cache off (every statement prepared and finalized, as before); for the test only.
var StatementCacheDisabled = false

var statementCacheHits atomic.Int64

// StatementCacheHits counts the statements run from the cache; for the test only.
func StatementCacheHits() int64 { return statementCacheHits.Load() }

// stmtCacheMax bounds the idle statements a connection keeps; beyond it a statement is finalized as before.
const stmtCacheMax = 64

type stmtCache struct {
	idle map[string]uintptr     // SQL text (from the statement on, its tail included) → a reset statement
	info map[uintptr]cachedStmt // every statement prepareCached handed out and not finalized
}

type cachedStmt struct {
	sql  string
	tail uintptr // the length of its own statement in the text: where the next one starts
}

// prepareCached is prepareV2 that hands out an idle statement prepared from the same text when there is one.
func (c *conn) prepareCached(zSQL *uintptr) (uintptr, error) {
	if StatementCacheDisabled {
		return c.prepareV2(zSQL)
	}
	start := *zSQL
	sql := libc.GoString(start)
	if p, ok := c.stmts.idle[sql]; ok {
		delete(c.stmts.idle, sql)
		*zSQL = start + c.stmts.info[p].tail
		statementCacheHits.Add(1)
		return p, nil
	}
	p, err := c.prepareV2(zSQL)
	if err != nil || p == 0 {
		return p, err
	}
	if c.stmts.info == nil {
		c.stmts.info = map[uintptr]cachedStmt{}
		c.stmts.idle = map[string]uintptr{}
	}
	c.stmts.info[p] = cachedStmt{sql: sql, tail: *zSQL - start}
	return p, nil
}

// release is finalize for a statement from prepareCached: it resets it (reporting the error of its last step, as
// sqlite3_finalize would), clears its bindings and keeps it, unless a statement of the same text is kept already or the
// cache is full, when it is finalized.
func (c *conn) release(p uintptr) error {
	info, ok := c.stmts.info[p]
	if !ok {
		return c.finalize(p)
	}
	if _, kept := c.stmts.idle[info.sql]; kept || len(c.stmts.idle) >= stmtCacheMax {
		delete(c.stmts.info, p)
		return c.finalize(p)
	}
	if rc := sqlite3.Xsqlite3_reset(c.tls, p); rc != sqlite3.SQLITE_OK {
		err := c.errstr(rc)
		delete(c.stmts.info, p)
		sqlite3.Xsqlite3_finalize(c.tls, p)
		return err
	}
	sqlite3.Xsqlite3_clear_bindings(c.tls, p)
	c.stmts.idle[info.sql] = p
	return nil
}

// finalizeCached finalizes the kept statements before the connection closes.
func (c *conn) finalizeCached() {
	for _, p := range c.stmts.idle {
		delete(c.stmts.info, p)
		sqlite3.Xsqlite3_finalize(c.tls, p)
	}
	c.stmts.idle = nil
}

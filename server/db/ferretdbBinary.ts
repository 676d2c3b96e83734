import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DatabaseSetup, loadDatabaseSetup } from '../config.js';
import {
  DISABLE_PUSHDOWN_PATCHES,
  EXPLAIN_PUSHDOWN,
  PUSHDOWN_FILE,
  PUSHDOWN_GO,
  QUERY_FILE,
  QUERY_ID_ONLY,
  QUERY_PUSHDOWN,
} from './ferretdbPushdown.js';

export const FERRETDB_VERSION = 'v1.24.2';
/**
 * Our build of it: `p1` carries the `_id` lookup fix below, `p2` the equality prefilter (`ferretdbPushdown.ts`), `p3`
 * a `--test-disable-pushdown` that disables it for every command (the exactness test's reference), `p4` no leak
 * tracking (below), `p5` a prefilter for a `$regex` that is a plain literal (`ferretdbPushdown.ts`), `p6` a one-pass
 * sjson decoder and encoder (below), `p8` the prefilter's "this field is an array" cases without the fields after it
 * and `explain` showing the prefilter's plan (`ferretdbPushdown.ts`), `p9` memcmp and memcpy in Go for its translated
 * SQLite (below; `p7` was its suffix before it landed, never on main), `p10` SQLite's prepared statements kept and
 * reused per connection (below), `p11` no debug logging formatted at other levels (below), `p12` `$push` with
 * `$slice` (below), `p13` SQLite's statement journals kept in memory (below), `p14` wire messages checked without a deep
 * decode when they pass (below), `p15` writers queued on a mutex instead of SQLite's sleeping busy handler (below); a
 * new suffix rebuilds cached binaries.
 */
const BUILD = `${FERRETDB_VERSION}-p15`;

/**
 * FerretDB v1.24.2's SQLite backend looks documents up by `_ferretdb_sjson->'$._id'`, while its
 * unique `_id` index is built on `_ferretdb_sjson->"_id"`; SQLite only uses an expression index for
 * the identical expression, so every `_id` lookup, update and delete scanned the whole table. Both
 * expressions yield the same value, so the lookup is rewritten to the indexed one.
 */
const ID_LOOKUP_FILE = join('internal', 'backends', 'sqlite', 'metadata', 'metadata.go');
const ID_LOOKUP_SLOW = `IDColumn = DefaultColumn + "->'$._id'"`;
const ID_LOOKUP_INDEXED = 'IDColumn = DefaultColumn + "->\\"_id\\""';
const MODULE = 'github.com/FerretDB/FerretDB';

/**
 * `p4`: FerretDB tracks every iterator (one per document read, for document iterators) for leaks: a pprof sample with
 * the creator's stack and a finalizer that panics when one is collected unclosed. Profiled during an export it was ~12%
 * of the database's CPU, plus a global lock that concurrent queries share, and no result depends on it (it only
 * records, or crashes the process). `Track` and `Untrack` return at once.
 */
const LEAK_TRACKING_FILE = join('internal', 'util', 'resource', 'resource.go');
const LEAK_TRACKING_PATCHES = ['Track', 'Untrack'].map((name) => {
  const from = `func ${name}(obj any, token *Token) {\n\tcheckArgs(obj, token)\n`;
  return { from, to: `${from}\n\tif !trackLeaks {\n\t\treturn\n\t}\n` };
});
const LEAK_TRACKING_OFF = '\n// trackLeaks is off in our build (ferretdbBinary.ts, p4).\nconst trackLeaks = false\n';

/**
 * `p6`: FerretDB decodes each stored document's JSON (`sjson.Unmarshal`) through encoding/json three times over, by
 * reflection: ~59% of its CPU during an export. `ferretdb-patches/sjson_fast_chatwidget.go` decodes and encodes it in
 * one pass and hands anything but the exact form FerretDB writes to the original functions, which the build keeps under
 * other names; its test (compared with them on FerretDB's vectors, generated and mutated documents) runs before the
 * build, whose binary is built only if it passes. The Go files live beside this module (copied into dist by
 * `build:server`).
 */
const SJSON_DIR = join('internal', 'handler', 'sjson');
const SJSON_RENAMES = [
  { from: 'func Unmarshal(data []byte) (*types.Document, error) {', name: 'unmarshalOriginal' },
  { from: 'func Marshal(d *types.Document) ([]byte, error) {', name: 'marshalOriginal' },
].map(({ from, name }) => ({ file: join(SJSON_DIR, 'sjson.go'), from, to: from.replace(/^func \w+/, `func ${name}`) }));
/** Resolved when a build runs, not at import: a test environment such as happy-dom gives modules non-file URLs. */
const goPatchesDir = () => fileURLToPath(new URL('./ferretdb-patches/', import.meta.url));
const SJSON_FILES = ['sjson_fast_chatwidget.go', 'sjson_fast_chatwidget_test.go'];

/**
 * `p9`: FerretDB's SQLite and its C library are C translated to Go (modernc.org/sqlite, modernc.org/libc), and on Linux
 * memcmp and memcpy are musl's, translated line by line (a byte, or four, per loop step): ~13% of FerretDB's CPU during
 * bench:server's sends, mostly SQLite's JSON cache comparing each stored document once per indexed field of the row.
 * The build copies the libc module beside FerretDB (a `replace` in its go.mod; Go refuses overlays of the module
 * cache), renames the translated functions `XmemcmpMusl` and `XmemcpyMusl`, and adds
 * `ferretdb-patches/libc_mem_chatwidget.go`, which returns the same results with Go's vectorised compare and copy; its
 * test compares them with the originals before the build.
 */
const LIBC_MODULE = 'modernc.org/libc';
const LIBC_DIR = 'chatwidget-libc';
const LIBC_RENAMES = ['amd64', 'arm64', 'loong64'].flatMap((arch) =>
  [
    'func Xmemcmp(tls *TLS, vl uintptr, vr uintptr, n Tsize_t) (r1 int32) {',
    'func Xmemcpy(tls *TLS, dest uintptr, src uintptr, n Tsize_t) (r uintptr) {',
  ].map((from) => ({ file: join(LIBC_DIR, `ccgo_linux_${arch}.go`), from, to: from.replace(/^func (\w+)/, 'func $1Musl') })),
);
const LIBC_TEST_DIR = join('internal', 'chatwidget', 'libcmem');

/**
 * `p10`: modernc.org/sqlite prepares (parses and compiles) every statement it runs and finalizes it after: ~14% of
 * FerretDB's CPU during bench:server's sends, the UPDATE of a conversation (16 indexes to write) compiled at every send.
 * The build copies that module beside FerretDB as well (without its test data) and makes each connection keep the
 * statements it ran, reset, under their SQL text (`ferretdb-patches/sqlite_stmtcache_chatwidget.go`): the driver's
 * prepare and finalize in its statements and rows become `prepareCached` and `release`, and a closing connection
 * finalizes what it kept. Its test runs the same statements with and without the cache before the build.
 */
const SQLITE_MODULE = 'modernc.org/sqlite';
const SQLITE_DIR = 'chatwidget-sqlite';
const SQLITE_FILE = join(SQLITE_DIR, 'sqlite.go');
const SQLITE_PATCHES = [
  {
    from: 'if pstmt, err = s.c.prepareV2(&psql); err != nil {',
    to: 'if pstmt, err = s.c.prepareCached(&psql); err != nil {',
    count: 2,
  },
  { from: 'e := s.c.finalize(pstmt)', to: 'e := s.c.release(pstmt)', count: 4 },
  { from: 'return r.c.finalize(r.pstmt)', to: 'return r.c.release(r.pstmt)' },
  {
    from: '\tif c.db != 0 {\n\t\tif err := c.closeV2(c.db); err != nil {',
    to: '\tif c.db != 0 {\n\t\tc.finalizeCached()\n\t\tif err := c.closeV2(c.db); err != nil {',
  },
  { from: '\tbeginMode       string\n}', to: '\tbeginMode       string\n\n\tstmts stmtCache\n}' },
].map((patch) => ({ file: SQLITE_FILE, ...patch }));
const SQLITE_TEST_DIR = join('internal', 'chatwidget', 'stmtcache');

/**
 * `p13`: inside a transaction SQLite keeps each statement's journal (the pages it changes, as they were, to undo it
 * alone if it fails) in memory up to 64 KiB and then in a temporary file, opened, written and closed at every commit;
 * a conversation's update changes a page of each of its 16 indexes, so most spilled: ~8% of FerretDB's CPU during
 * bench:server's sends. `ferretdb-patches/sqlite_stmtjournal_chatwidget.go` (in the copied module's `lib`) keeps them in
 * memory, as `temp_store=MEMORY` does; its test runs the same transactions both ways.
 */
const STMT_JOURNAL_TEST_DIR = join('internal', 'chatwidget', 'stmtjournal');

/**
 * `p14`: FerretDB checks every wire message in and out (`wire.CheckNaNs`) by decoding each document deeply and walking
 * it for a NaN: ~3% of its CPU during bench:ferretdb's sends. The build copies the wire module beside FerretDB (a
 * `replace`), keeps that check as `checkOriginal`, and adds `ferretdb-patches/wire_check_chatwidget.go`: one pass over
 * the bytes without allocating that returns nil only when the decode would succeed with no NaN, and runs the original
 * otherwise. Its test compares both on generated and mutated documents.
 */
const WIRE_MODULE = 'github.com/FerretDB/wire';
const WIRE_DIR = 'chatwidget-wire';
const WIRE_CHECK_RENAME = {
  file: join(WIRE_DIR, 'op_msg.go'),
  from: 'func (msg *OpMsg) check() error {',
  to: 'func (msg *OpMsg) checkOriginal() error {',
};
const WIRE_TEST_DIR = join('internal', 'chatwidget', 'wirecheck');

/**
 * `p11`: FerretDB logs every SQL statement before and after it at debug level through `l.With(slog.Any("args", args))`
 * and `fmt.Sprintf`, which format the arguments (a written document's whole JSON text) whatever the level: ~6.5% of
 * FerretDB's CPU during bench:server's sends, at our `--log-level=warn`. The build starts each of fsql's six methods,
 * on its signature's line (so a debug line keeps its source line), with a return to the statement alone when debug is
 * off (`ferretdb-patches/fsql_quiet_chatwidget.go`); its test runs the statements both ways and compares. A find's
 * "Converted" debug line (`fmt.Sprintf` of its parameters, at every find) is formatted only when debug is on.
 */
const FSQL_DIR = join('internal', 'util', 'fsql');
const FSQL_GUARDS = [
  { file: 'db.go', recv: 'db', type: 'DB' },
  { file: 'tx.go', recv: 'tx', type: 'Tx' },
].flatMap(({ file, recv, type }) =>
  [
    { name: 'QueryContext', result: '(*Rows, error)' },
    { name: 'QueryRowContext', result: '*sql.Row' },
    { name: 'ExecContext', result: '(sql.Result, error)' },
  ].map(({ name, result }) => {
    const from = `func (${recv} *${type}) ${name}(ctx context.Context, query string, args ...any) ${result} {\n`;
    const quiet = `${recv}.${name[0]?.toLowerCase()}${name.slice(1)}Quiet(ctx, query, args...)`;
    return { file: join(FSQL_DIR, file), from, to: `${from.trimEnd()} if quiet(ctx, ${recv}.l) { return ${quiet} }\n` };
  }),
);
const FIND_DEBUG_LINE = '\th.L.DebugContext(ctx, fmt.Sprintf("Converted %+v for %+v to %+v.", params, cInfo, qp))\n';
const FIND_DEBUG_GUARDED = {
  file: join('internal', 'handler', 'msg_find.go'),
  from: FIND_DEBUG_LINE,
  to: `\tif h.L.Enabled(ctx, slog.LevelDebug) {\n\t${FIND_DEBUG_LINE}\t}\n`,
};

/**
 * `p12`: FerretDB's `$push` reads `$each` and ignores `$slice` (and every other clause), so a window written as
 * `$push: {messages: {$each, $slice: -51}}` would grow without bound. `processUpdateOperator` calls
 * `ferretdb-patches/push_slice_chatwidget.go` instead, which checks the clauses as MongoDB does, lets the original push
 * and keeps the slice MongoDB documents; its test (in FerretDB's package, through `processUpdateOperator`) runs before
 * the build.
 */
const UPDATE_DIR = join('internal', 'handler', 'common');
const PUSH_SLICE_PATCH = {
  file: join(UPDATE_DIR, 'update.go'),
  from: 'updated, err = processPushArrayUpdateExpression(command, doc, key, value)',
  to: 'updated, err = processPushSliceChatwidget(command, doc, key, value)',
};

/**
 * `p15`: writers of one database queue on a mutex in FerretDB instead of racing for SQLite's write lock, whose busy
 * handler sleeps 1, 2, 5, 10… ms before each retry while the lock may be free (`ferretdb-patches/fsql_writelock_chatwidget.go`).
 * The patches go on the signature lines (no line moves): a transaction holds the mutex from its `BEGIN` to its end, a
 * statement run alone (`DB.ExecContext`: deletes, the catalog's changes) for the statement; `Close` forgets it.
 */
const WRITE_LOCK_PATCHES = [
  {
    file: join(FSQL_DIR, 'db.go'),
    from: 'func (db *DB) InTransaction(ctx context.Context, f func(*Tx) error) (err error) {\n',
    to: 'func (db *DB) InTransaction(ctx context.Context, f func(*Tx) error) (err error) { unlock := db.lockWrites(); defer unlock()\n',
  },
  {
    file: join(FSQL_DIR, 'db.go'),
    from: 'func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) { if quiet(',
    to: 'func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) { unlock := db.lockWrites(); defer unlock(); if quiet(',
  },
  {
    file: join(FSQL_DIR, 'db.go'),
    from: 'func (db *DB) Close() error {\n',
    to: 'func (db *DB) Close() error { defer forgetWriteLock(db.sqlDB)\n',
  },
];

/** The patches' Go files and where each goes in the build's copy of FerretDB. */
const GO_FILES = [
  ...SJSON_FILES.map((file) => ({ file, to: SJSON_DIR })),
  { file: 'libc_mem_chatwidget.go', to: LIBC_DIR },
  { file: 'libc_mem_chatwidget_test.go', to: LIBC_TEST_DIR },
  { file: 'sqlite_stmtcache_chatwidget.go', to: SQLITE_DIR },
  { file: 'sqlite_stmtcache_chatwidget_test.go', to: SQLITE_TEST_DIR },
  { file: 'sqlite_stmtjournal_chatwidget.go', to: join(SQLITE_DIR, 'lib') },
  { file: 'sqlite_stmtjournal_chatwidget_test.go', to: STMT_JOURNAL_TEST_DIR },
  { file: 'wire_check_chatwidget.go', to: WIRE_DIR },
  { file: 'wire_check_chatwidget_test.go', to: WIRE_TEST_DIR },
  { file: 'fsql_quiet_chatwidget.go', to: FSQL_DIR },
  { file: 'fsql_quiet_chatwidget_test.go', to: FSQL_DIR },
  { file: 'fsql_writelock_chatwidget.go', to: FSQL_DIR },
  { file: 'fsql_writelock_chatwidget_test.go', to: FSQL_DIR },
  { file: 'push_slice_chatwidget.go', to: UPDATE_DIR },
  { file: 'push_slice_chatwidget_test.go', to: UPDATE_DIR },
];

/**
 * Copies a module FerretDB depends on (at the version its go.mod requires) into its folder and points its go.mod at
 * the copy, to patch it: Go refuses overlays of files in the module cache. Test data is left out.
 */
function replaceModule(work: string, module: string, dir: string) {
  const info = JSON.parse(run('go', ['mod', 'download', '-json', module], work)) as { Dir?: string };
  if (!info.Dir) throw new EmbeddedDatabaseUnavailable(`Go did not report where it downloaded ${module}.`);
  const from = info.Dir;
  cpSync(from, join(work, dir), {
    recursive: true,
    filter: (path) => !/[/\\](testdata|examples)$/.test(path.slice(from.length)),
  });
  run('chmod', ['-R', 'u+w', join(work, dir)]);
  run('go', ['mod', 'edit', `-replace=${module}=./${dir}`], work);
}

/** A failure the user can act on, told in one sentence (never a stack trace). */
export class EmbeddedDatabaseUnavailable extends Error {
  override name = 'EmbeddedDatabaseUnavailable';
}

/** Where the binary lives: `FERRETDB_BIN`, else a per-user cache shared by every clone. */
export function ferretdbBinaryPath(env: Pick<DatabaseSetup, 'FERRETDB_BIN' | 'XDG_CACHE_HOME'> = loadDatabaseSetup()): string {
  if (env.FERRETDB_BIN) return env.FERRETDB_BIN;
  const cacheRoot = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheRoot, 'chatwidget', `ferretdb-${BUILD}`, 'ferretdb');
}

function run(cmd: string, args: string[], cwd?: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    // The build inherits the environment (PATH, Go's own settings, proxies): it is Go's configuration, not ours.
    env: { ...process.env, ...extraEnv },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error || result.status !== 0) {
    const detail = (result.stderr || result.error?.message || '').trim().split('\n').slice(-3).join(' ');
    throw new EmbeddedDatabaseUnavailable(
      `Building the embedded database (FerretDB ${FERRETDB_VERSION}) failed at \`${cmd} ${args[0]}\`: ${detail}`,
    );
  }
  return result.stdout;
}

/**
 * Runs FerretDB's own sjson and update-operator tests and ours on the patched packages (`-short`: a few seconds); a
 * failure stops the build. FerretDB's test helpers look for the repository root by its `.git` folder, which the module copy lacks.
 */
function testPatches(work: string) {
  mkdirSync(join(work, '.git'));
  const dirs = [SJSON_DIR, LIBC_TEST_DIR, SQLITE_TEST_DIR, STMT_JOURNAL_TEST_DIR, WIRE_TEST_DIR, FSQL_DIR, UPDATE_DIR];
  const args = ['test', '-short', ...dirs.map((dir) => `./${dir}/`)];
  const result = spawnSync('go', args, { cwd: work, encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0' } });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}` || result.error?.message || '';
    const failures = output.split('\n').filter((line) => /FAIL|got|want|panic|error/i.test(line));
    throw new EmbeddedDatabaseUnavailable(
      `Building the embedded database (FerretDB ${FERRETDB_VERSION}) stopped: our patched sjson, libc, sqlite, wire, fsql or update package failed its tests (\`go ${args.join(' ')}\`): ${failures.slice(0, 6).join(' | ')}`,
    );
  }
}

/**
 * Returns the path of a working FerretDB binary, building it from its Go module when missing.
 *
 * Plain `go install` yields a binary that panics at start because the module zip lacks
 * `build/version/version.txt`; so the module is copied out, the file written, and built.
 * Safe to run twice at once: each build works in its own folder and is moved into place atomically.
 */
export function ensureFerretdbBinary(
  env: Pick<DatabaseSetup, 'FERRETDB_BIN' | 'XDG_CACHE_HOME'> = loadDatabaseSetup(),
  log: (line: string) => void = () => {},
): string {
  const target = ferretdbBinaryPath(env);
  if (existsSync(target)) return target;
  if (env.FERRETDB_BIN) {
    throw new EmbeddedDatabaseUnavailable(
      `FERRETDB_BIN points at ${target}, which does not exist; fix it or set MONGODB_URI to use MongoDB.`,
    );
  }
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new EmbeddedDatabaseUnavailable(
      'The embedded database needs Go 1.24+ to build once (it was not found): install Go, or set MONGODB_URI to use MongoDB.',
    );
  }
  log(`Building the embedded database (FerretDB ${FERRETDB_VERSION}) once into ${target}; this takes about a minute.`);
  const info = JSON.parse(run('go', ['mod', 'download', '-json', `${MODULE}@${FERRETDB_VERSION}`])) as { Dir?: string };
  if (!info.Dir) throw new EmbeddedDatabaseUnavailable('Go did not report where it downloaded FerretDB.');

  const work = join(tmpdir(), `ferretdb-build-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    cpSync(info.Dir, work, { recursive: true });
    run('chmod', ['-R', 'u+w', work]);
    writeFileSync(join(work, 'build', 'version', 'version.txt'), FERRETDB_VERSION);
    const metadata = readFileSync(join(work, ID_LOOKUP_FILE), 'utf8');
    if (!metadata.includes(ID_LOOKUP_SLOW))
      throw new EmbeddedDatabaseUnavailable(`FerretDB's ${ID_LOOKUP_FILE} is not as expected.`);
    writeFileSync(join(work, ID_LOOKUP_FILE), metadata.replace(ID_LOOKUP_SLOW, ID_LOOKUP_INDEXED));
    const query = readFileSync(join(work, QUERY_FILE), 'utf8');
    if (!query.includes(QUERY_ID_ONLY)) throw new EmbeddedDatabaseUnavailable(`FerretDB's ${QUERY_FILE} is not as expected.`);
    writeFileSync(join(work, QUERY_FILE), query.replace(QUERY_ID_ONLY, QUERY_PUSHDOWN));
    writeFileSync(join(work, PUSHDOWN_FILE), PUSHDOWN_GO);
    replaceModule(work, LIBC_MODULE, LIBC_DIR);
    replaceModule(work, SQLITE_MODULE, SQLITE_DIR);
    replaceModule(work, WIRE_MODULE, WIRE_DIR);
    const patches = [
      ...DISABLE_PUSHDOWN_PATCHES,
      EXPLAIN_PUSHDOWN,
      ...LEAK_TRACKING_PATCHES.map((patch) => ({ file: LEAK_TRACKING_FILE, ...patch })),
      ...SJSON_RENAMES,
      ...LIBC_RENAMES,
      ...SQLITE_PATCHES,
      ...FSQL_GUARDS,
      ...WRITE_LOCK_PATCHES,
      FIND_DEBUG_GUARDED,
      PUSH_SLICE_PATCH,
      WIRE_CHECK_RENAME,
    ];
    for (const patch of patches as { file: string; from: string; to: string; count?: number }[]) {
      const parts = readFileSync(join(work, patch.file), 'utf8').split(patch.from);
      if (parts.length !== (patch.count ?? 1) + 1)
        throw new EmbeddedDatabaseUnavailable(`FerretDB's ${patch.file} is not as expected.`);
      writeFileSync(join(work, patch.file), parts.join(patch.to));
    }
    writeFileSync(join(work, LEAK_TRACKING_FILE), readFileSync(join(work, LEAK_TRACKING_FILE), 'utf8') + LEAK_TRACKING_OFF);
    for (const dir of [LIBC_TEST_DIR, SQLITE_TEST_DIR, STMT_JOURNAL_TEST_DIR, WIRE_TEST_DIR])
      mkdirSync(join(work, dir), { recursive: true });
    for (const { file, to } of GO_FILES) cpSync(join(goPatchesDir(), file), join(work, to, file));
    testPatches(work);
    const dir = join(target, '..');
    mkdirSync(dir, { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    run('go', ['build', '-trimpath', '-buildvcs=false', '-o', partial, './cmd/ferretdb'], work, { CGO_ENABLED: '0' });
    chmodSync(partial, 0o755);
    renameSync(partial, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  log('Embedded database built.');
  return target;
}

import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { toAppError } from './errorHandler.js';

const { MongoBulkWriteError, MongoNetworkError, MongoServerError, MongoServerSelectionError } = mongoose.mongo;
const noWrites = {
  insertedCount: 0,
  matchedCount: 0,
  modifiedCount: 0,
  deletedCount: 0,
  upsertedCount: 0,
  upsertedIds: {},
  insertedIds: {},
} as unknown as ConstructorParameters<typeof MongoBulkWriteError>[1];
const mapped = (error: unknown) => {
  const e = toAppError(error);
  return { status: e.status, code: e.code, retryAfter: e.retryAfterSeconds };
};
const unavailable = { status: 503, code: 'database_unavailable', retryAfter: 5 };

describe('toAppError and the database going away', () => {
  it('answers 503 with Retry-After for the driver errors of an unreachable database, however they are wrapped', () => {
    expect(mapped(new MongoNetworkError('connection 4 to 127.0.0.1:1 closed'))).toEqual(unavailable);
    // An ordered insertMany reports a dropped connection as a bulk write error around it.
    expect(mapped(new MongoBulkWriteError(new MongoNetworkError('connection 1 closed'), noWrites))).toEqual(unavailable);
    expect(mapped(new Error('the send failed', { cause: new MongoNetworkError('read ECONNRESET') }))).toEqual(unavailable);
    const selection = new MongoServerSelectionError('connect ECONNREFUSED', { type: 'Unknown', servers: new Map() } as never);
    expect(mapped(selection)).toEqual(unavailable);
    // A command written to a connection the database closed: Node's socket error, unwrapped by the driver.
    const ended = Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' });
    expect(mapped(ended)).toEqual(unavailable);
    // Over the embedded database's Unix socket the same write fails as the system call's own error.
    expect(mapped(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' }))).toEqual(unavailable);
    expect(mapped(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })).status).toBe(500);
  });

  it('answers 503 for a server that is shutting down, MongoDB’s codes and FerretDB’s cut-short commands', () => {
    expect(mapped(new MongoServerError({ ok: 0, code: 91, codeName: 'ShutdownInProgress', errmsg: 'shutting down' }))).toEqual(
      unavailable,
    );
    expect(mapped(new MongoServerError({ ok: 0, code: 11600, errmsg: 'interrupted at shutdown' }))).toEqual(unavailable);
    expect(mapped(new MongoServerError({ ok: 0, code: 1, codeName: 'InternalError', errmsg: 'context canceled' }))).toEqual(
      unavailable,
    );
    expect(mapped(new MongoServerError({ ok: 0, code: 1, errmsg: 'sql: database is closed' }))).toEqual(unavailable);
  });

  it('keeps other server errors a 500 that does not leak their text', () => {
    const internal = toAppError(new MongoServerError({ ok: 0, code: 1, codeName: 'InternalError', errmsg: 'unexpected type' }));
    expect({ status: internal.status, code: internal.code, message: internal.message }).toEqual({
      status: 500,
      code: 'internal',
      message: 'Something went wrong on our side',
    });
    expect(mapped(new MongoServerError({ ok: 0, code: 2, codeName: 'BadValue', errmsg: 'bad' })).status).toBe(500);
    expect(mapped(new TypeError('x is undefined')).status).toBe(500);
  });
});

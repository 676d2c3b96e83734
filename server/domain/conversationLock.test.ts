import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../test/testApp.js';
import { CompanionExists, databaseLock } from './conversationLock.js';

// The conversation lock with a companion document (a send's in-flight entry), against the real database: what one
// insert and one delete do, and what they must never do (take or remove another holder's lock).
const app = await startTestApp(import.meta.url);
afterAll(() => app.close());

const { locks } = app.services.repos;
const { ConversationLock } = app.models;
const lockOf = (instanceId: string) =>
  databaseLock({ locks, instanceId, lockMs: 2_000, renewEveryMs: 500, now: () => new Date() });
const companion = () => {
  const id = new Types.ObjectId().toHexString();
  return { id, doc: { _id: new Types.ObjectId(id), note: 'entry' } };
};
const exists = async (id: string) => (await ConversationLock.countDocuments({ _id: new Types.ObjectId(id) })) === 1;

describe('conversation lock with a companion', () => {
  it('inserts the companion with the lock and removes both on release', async () => {
    const conversationId = new Types.ObjectId().toHexString();
    const entry = companion();
    const held = await lockOf('a').hold(conversationId, entry);
    expect(held.abandoned).toBe(false);
    expect([await exists(conversationId), await exists(entry.id)]).toEqual([true, true]);
    await held.release();
    expect([await exists(conversationId), await exists(entry.id)]).toEqual([false, false]);
  });

  it('rejects a companion that exists, inserting nothing and leaving the lock free', async () => {
    const conversationId = new Types.ObjectId().toHexString();
    const entry = companion();
    await locks.insertCompanion(entry.doc);
    await expect(lockOf('a').hold(conversationId, entry)).rejects.toBeInstanceOf(CompanionExists);
    expect(await exists(conversationId)).toBe(false);
    const next = await lockOf('a').hold(conversationId);
    await next.release();
  });

  it('while another instance holds the lock, inserts the companion at once and takes the lock when it is released', async () => {
    const conversationId = new Types.ObjectId().toHexString();
    const first = await lockOf('a').hold(conversationId);
    const entry = companion();
    let acquired = false;
    const second = lockOf('b')
      .hold(conversationId, entry)
      .then((held) => {
        acquired = true;
        return held;
      });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await exists(entry.id)).toBe(true);
    expect(acquired).toBe(false);
    await first.release();
    const held = await second;
    expect((await locks.find(conversationId))?.holder).toMatch(/^b:/);
    await held.release();
    expect([await exists(conversationId), await exists(entry.id)]).toEqual([false, false]);
  });

  it('a release after the lock was taken over removes the companion, never the new holder’s lock', async () => {
    const conversationId = new Types.ObjectId().toHexString();
    const entry = companion();
    const stale = await lockOf('a').hold(conversationId, entry);
    // Its lease ran out (say the instance stalled) and another took the lock over.
    await locks.release(conversationId, (await locks.find(conversationId))?.holder ?? '');
    await locks.tryAcquire(conversationId, 'b:new', new Date(Date.now() + 60_000));
    await stale.release();
    expect((await locks.find(conversationId))?.holder).toBe('b:new');
    expect(await exists(entry.id)).toBe(false);
  });

  it('orders tasks of one instance in process, a held answer first', async () => {
    const conversationId = new Types.ObjectId().toHexString();
    const lock = lockOf('a');
    const order: string[] = [];
    const held = await lock.hold(conversationId, companion());
    const task = lock.run(conversationId, async () => {
      order.push('task');
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    order.push('answer stored');
    await held.release();
    await task;
    expect(order).toEqual(['answer stored', 'task']);
  });

  it("takes over at once a lease of its own instance that none of its holds owns (an insert applied after its reply was lost); another instance's live lease is waited for", async () => {
    const conversationId = new Types.ObjectId().toHexString();
    const lock = lockOf('a');
    const farOff = new Date(Date.now() + 120_000);
    // What the database was left with: a lease of instance `a` whose hold ended when its insert seemed to fail.
    await locks.tryAcquire(conversationId, 'a:lost', farOff);
    const started = Date.now();
    const held = await lock.hold(conversationId);
    expect(held.abandoned).toBe(true);
    await held.release();

    await locks.tryAcquire(conversationId, 'b:alive', new Date(Date.now() + 1_000));
    const waited = await lock.hold(conversationId);
    expect(waited.abandoned).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    await waited.release();
  });
});

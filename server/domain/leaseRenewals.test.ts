import { setTimeout as sleep } from 'node:timers/promises';
import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { recordCommands } from '../db/commandMonitor.js';
import { startTestApp } from '../test/testApp.js';
import { inFlightAnswers } from './chat/inFlightAnswers.js';
import { databaseLock, type Hold } from './conversationLock.js';

// An instance's leases renewed together (`leaseRenewals`), against the real database: one command per tick for any
// number of leases, each lease still renewed only while its holder holds it, and nothing renewed once released.
const app = await startTestApp(import.meta.url, { monitorCommands: true });
afterAll(() => app.close());

const { locks, messages } = app.services.repos;
// Leases long enough that a loaded machine never lets one run out during a test (the app's own recovery would then
// take the entries over); the renewals are seen as each lease's end moving later.
const RENEW_MS = 200;
const LEASE_MS = 5000;
const WAIT_MS = RENEW_MS * 5;
const MAX_TICKS = WAIT_MS / RENEW_MS + 1;
const renewalsOf = (commands: { command: string; collection: string }[]) =>
  commands.filter((c) => c.command === 'update' && c.collection === 'streams').length;
const untilOf = async (conversationId: string) => (await locks.find(conversationId))?.until.getTime() ?? 0;

describe('conversation locks renewed together', () => {
  const lock = databaseLock({ locks, instanceId: 'renew-a', lockMs: LEASE_MS, renewEveryMs: RENEW_MS, now: () => new Date() });

  it('renews 20 locks with one command per tick, and none once released', async () => {
    const ids = Array.from({ length: 20 }, () => new Types.ObjectId().toHexString());
    let holds: Hold[] = [];
    const first = new Map<string, number>();
    const commands = await recordCommands(app.connection, async () => {
      holds = await Promise.all(ids.map((id) => lock.hold(id)));
      for (const id of ids) first.set(id, await untilOf(id));
      await sleep(WAIT_MS);
    });
    for (const id of ids) {
      expect((await locks.find(id))?.holder).toMatch(/^renew-a:/);
      expect(await untilOf(id)).toBeGreaterThan(first.get(id) as number);
    }
    expect(renewalsOf(commands)).toBeGreaterThan(0);
    expect(renewalsOf(commands)).toBeLessThanOrEqual(MAX_TICKS);
    const after = await recordCommands(app.connection, async () => {
      await Promise.all(holds.map((held) => held.release()));
      await sleep(RENEW_MS * 3);
    });
    expect(renewalsOf(after)).toBe(0);
  });

  it("never renews a lock another holder took over, and keeps renewing the instance's others", async () => {
    const [mine, taken] = [new Types.ObjectId().toHexString(), new Types.ObjectId().toHexString()];
    const holds = [await lock.hold(mine), await lock.hold(taken)];
    // Another instance took `taken` over (its lease had run out there): its lease is that holder's to renew.
    const theirs = new Date(Date.now() + 60_000);
    await app.models.ConversationLock.updateOne(
      { _id: new Types.ObjectId(taken) },
      { $set: { holder: 'renew-b:1', until: theirs } },
    );
    const before = await untilOf(mine);
    await sleep(RENEW_MS * 3);
    expect(await untilOf(mine)).toBeGreaterThan(before);
    expect(await locks.find(taken)).toEqual({ holder: 'renew-b:1', until: theirs });
    for (const held of holds) await held.release();
    expect(await locks.find(taken)).toEqual({ holder: 'renew-b:1', until: theirs });
  });
});

describe('in-flight answers renewed together', () => {
  const answers = inFlightAnswers({
    messages,
    instanceId: 'renew-answers',
    answerLeaseMs: LEASE_MS,
    renewEveryMs: RENEW_MS,
    now: () => new Date(),
  });
  const newStream = () => {
    const id = new Types.ObjectId().toHexString();
    return {
      id,
      tenantId: 'tenant-renewals',
      siteId: new Types.ObjectId().toHexString(),
      conversationId: new Types.ObjectId().toHexString(),
      visitorId: new Types.ObjectId().toHexString(),
      clientMessageId: id,
      model: null,
    };
  };
  const start = async () => {
    const stream = newStream();
    expect(await answers.start(stream)).toBe(true);
    return stream.id;
  };
  /** Owns the answer until `stop` resolves or its signal aborts; resolves with whether it aborted (its lease was lost). */
  const owned = async (id: string, stop: Promise<void>) => {
    let aborted = false;
    const answer = answers.own(id, new AbortController().signal, async function* (signal) {
      await Promise.race([stop, new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))]);
      aborted = signal.aborted;
      yield* [];
    });
    for await (const _ of answer);
    return aborted;
  };

  it('renews 10 answers with one command per tick, and stops only the one whose entry was recovered', async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, start));
    const first = new Map<string, number>();
    for (const id of ids) first.set(id, (await messages.findStream(id))?.leaseUntil.getTime() ?? 0);
    let finish = () => {};
    const stop = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let results: Promise<boolean[]> = Promise.resolve([]);
    const commands = await recordCommands(app.connection, async () => {
      results = Promise.all(ids.map((id) => owned(id, stop)));
      await sleep(WAIT_MS);
    });
    for (const id of ids) expect((await messages.findStream(id))?.leaseUntil.getTime()).toBeGreaterThan(first.get(id) as number);
    expect(renewalsOf(commands)).toBeGreaterThan(0);
    expect(renewalsOf(commands)).toBeLessThanOrEqual(MAX_TICKS);
    // Another instance recovered the first answer: its next renewal finds the entry gone and stops that answer alone.
    await app.models.Stream.deleteOne({ _id: new Types.ObjectId(ids[0]) });
    await sleep(RENEW_MS * 3);
    finish();
    expect(await results).toEqual([true, ...ids.slice(1).map(() => false)]);
    for (const id of ids.slice(1)) await messages.endStream(id);
    const after = await recordCommands(app.connection, () => sleep(RENEW_MS * 3));
    expect(renewalsOf(after)).toBe(0);
  });

  it('keeps an answer whose entry goes in after the ticks began (a send owns it before its insert)', async () => {
    const stream = newStream();
    let finish = () => {};
    const stop = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const result = owned(stream.id, stop);
    await sleep(RENEW_MS * 3);
    expect(await answers.start(stream)).toBe(true);
    const first = (await messages.findStream(stream.id))?.leaseUntil.getTime() ?? 0;
    await sleep(RENEW_MS * 3);
    expect((await messages.findStream(stream.id))?.leaseUntil.getTime()).toBeGreaterThan(first);
    finish();
    expect(await result).toBe(false);
    await messages.endStream(stream.id);
  });
});

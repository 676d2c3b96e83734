import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { startTestApp } from '../test/testApp.js';
import { databaseClock, helloTime, type ReadDatabaseTime } from './databaseClock.js';

const app = await startTestApp(import.meta.url);
const databaseTime = helloTime(app.connection);
afterAll(() => app.close());
afterEach(() => {
  vi.useRealTimers();
});

/** `read()` lies between the database's times just before and just after it (whole milliseconds, so ±1). */
async function expectDatabaseTime(read: () => Date) {
  const before = (await databaseTime()).getTime();
  const value = read().getTime();
  const after = (await databaseTime()).getTime();
  expect(value).toBeGreaterThanOrEqual(before - 1);
  expect(value).toBeLessThanOrEqual(after + 1);
}

/** This machine's wall clock stepped by `ms` (as NTP may step it), for this process only: the database keeps its time. */
function stepLocalClock(ms: number) {
  const real = Date.now();
  vi.useFakeTimers({ toFake: ['Date'], now: real + ms, shouldAdvanceTime: true });
}

describe('databaseClock', () => {
  it("tells the database's time, read with hello", async () => {
    const clock = await databaseClock(databaseTime);
    await expectDatabaseTime(clock.now);
    clock.stop();
  });

  it("keeps the database's time when this machine's wall clock steps, before and after reading it again", async () => {
    const clock = await databaseClock(databaseTime);
    for (const step of [3_600_000, -3_600_000]) {
      stepLocalClock(step);
      expect(Math.abs(Date.now() - (await databaseTime()).getTime())).toBeGreaterThan(3_000_000);
      await expectDatabaseTime(clock.now);
      await clock.sync();
      await expectDatabaseTime(clock.now);
      vi.useRealTimers();
    }
    clock.stop();
  });

  it('keeps the fastest of its readings, holds small corrections, follows a step of the database clock, survives failures', async () => {
    // A database whose clock is a day ahead of this machine's; `shift` steps it.
    let shift = 86_400_000;
    const simulated = () => Date.now() + shift;
    let slowNext = true;
    let failing = false;
    const read: ReadDatabaseTime = async () => {
      if (failing) throw new Error('database unreachable');
      if (!slowNext) return new Date(simulated());
      // The first reading answers after 500 ms with the time it had when asked: taken as read half-way, it would put
      // the clock 250 ms behind.
      slowNext = false;
      const asked = simulated();
      await new Promise((resolve) => setTimeout(resolve, 500));
      return new Date(asked);
    };
    const warnings: unknown[] = [];
    const log = { warn: (...args: unknown[]) => warnings.push(args) } as never;
    const clock = await databaseClock(read, { log });
    const off = () => clock.now().getTime() - simulated();
    expect(Math.abs(off())).toBeLessThanOrEqual(5);

    // The database's time read 200 ms behind what the clock said (noise): held until it catches up, never back.
    const before = clock.now().getTime();
    shift -= 200;
    await clock.sync();
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(before);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(Math.abs(off())).toBeLessThanOrEqual(5);

    // The database's clock stepped back an hour: followed.
    shift -= 3_600_000;
    await clock.sync();
    expect(Math.abs(off())).toBeLessThanOrEqual(5);

    // The database cannot answer: a warning, and the last reading carries on.
    failing = true;
    await clock.sync();
    expect(warnings).toHaveLength(1);
    expect(Math.abs(off())).toBeLessThanOrEqual(5);
    clock.stop();
  });

  it("is the server's time: leases, answers and jobs carry the database's time whatever this machine's clock says", async () => {
    stepLocalClock(3_600_000);
    await expectDatabaseTime(app.services.now);
    const site = await app.createSite();
    const visitor = await app.startVisitor(site.publicKey);
    const conversation = await visitor.newConversation();
    const before = (await databaseTime()).getTime();
    const { events } = await visitor.send(conversation.id, 'What time is it?', 'clock-1');
    const after = (await databaseTime()).getTime();
    const done = events.find((event) => event.event === 'done')?.data as { createdAt: string };
    const createdAt = new Date(done.createdAt).getTime();
    expect(createdAt).toBeGreaterThanOrEqual(before - 1);
    expect(createdAt).toBeLessThanOrEqual(after + 1);
  });
});

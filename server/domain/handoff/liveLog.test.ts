import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveEventRepository } from '../../data/liveEventRepository.js';
import { createModels, type Models } from '../../db/models/index.js';
import { inProcessBus } from '../../events/eventBus.js';
import { openTestDatabase } from '../../test/database.js';
import { LIVE_EVENT_RETENTION_MS, liveLog } from './liveLog.js';

let connection: Connection;
let models: Models;

beforeAll(async () => {
  connection = await openTestDatabase(import.meta.url);
  models = await createModels(connection);
});
afterAll(async () => {
  await connection?.close();
});

describe('live log sweep', () => {
  it('forgets events past the retention window, keeps the numbering, and sends a stale resume back to the start', async () => {
    let clock = new Date('2026-01-01T00:00:00Z');
    const live = liveLog({ events: liveEventRepository(models), bus: inProcessBus(), now: () => clock });
    const scope = 'c:sweep-test';
    const other = 'c:sweep-other';
    for (let i = 0; i < 3; i++) await live.append(scope, 'message', { n: i });
    await live.append(other, 'message', { n: 0 });
    clock = new Date(clock.getTime() + LIVE_EVENT_RETENTION_MS / 2);
    await live.append(scope, 'message', { n: 3 });

    // Nothing is old enough yet.
    expect(await live.sweep()).toBe(0);
    clock = new Date(new Date('2026-01-01T00:00:00Z').getTime() + LIVE_EVENT_RETENTION_MS + 1);
    expect(await live.sweep()).toBe(4);

    const left = await models.LiveEvent.find({ scope: { $in: [scope, other] } }).lean();
    expect(left.map((event) => event._id)).toEqual([`${scope}:4`]);
    // Numbers go on from the head: a resumed client never mistakes a new event for one it has seen.
    expect(await live.append(scope, 'message', { n: 4 })).toBe(5);
    expect(await live.append(other, 'message', { n: 1 })).toBe(2);

    // A resume inside the kept events continues; one whose next events were swept starts afresh (null).
    expect(await live.resumeAfter(scope, 4)).toBe(4);
    expect(await live.resumeAfter(scope, 5)).toBe(5);
    expect(await live.resumeAfter(scope, 2)).toBeNull();
    expect(await live.resumeAfter(other, 0)).toBeNull();
    // An id ahead of the log (nothing after it yet) is waited on, as before.
    expect(await live.resumeAfter(scope, 9)).toBe(9);

    const seen: number[] = [];
    const follower = await live.follow(scope, 3, (event) => void seen.push(event.seq));
    follower.stop();
    expect(seen).toEqual([4, 5]);
  });
});

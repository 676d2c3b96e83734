import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.js';
import { type RedisServer, startRedisServer } from '../test/redisServer.js';
import { type EventBus, inProcessBus } from './eventBus.js';
import { redisBus } from './redisBus.js';

const log = createLogger('silent');
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

/** Collects what a topic receives. */
function collect(bus: EventBus, topic: string) {
  const seen: unknown[] = [];
  const unsubscribe = bus.subscribe(topic, (event) => seen.push(event));
  return { seen, unsubscribe };
}

const eventually = async (check: () => void, ms = 3_000) => {
  const deadline = performance.now() + ms;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
};
const settle = () => new Promise((r) => setTimeout(r, 100));

/** Two instances' buses: the same bus object in process (one instance), two Redis connections sets otherwise. */
const kinds: [string, () => [EventBus, EventBus]][] = [
  [
    'in-process',
    () => {
      const bus = inProcessBus();
      return [bus, bus];
    },
  ],
  ['Redis', () => [redisBus(redis.url, log), redisBus(redis.url, log)]],
];

describe.each(kinds)('%s bus', (_kind, make) => {
  it('delivers an event to every subscriber of its topic, as a copy, and to no other topic', async () => {
    const [a, b] = make();
    const first = collect(a, 'site:1');
    const second = collect(b, 'site:1');
    const other = collect(b, 'site:2');
    await Promise.all([a.ready(), b.ready()]);
    const event = { type: 'changed', at: 1 };
    await a.publish('site:1', event);
    await eventually(() => expect(second.seen).toEqual([event]));
    await eventually(() => expect(first.seen).toEqual([event]));
    expect(first.seen[0]).not.toBe(event);
    await settle();
    expect(other.seen).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });

  it('stops delivering after unsubscribe, keeps the other listeners of the topic, and survives a throwing listener', async () => {
    const [a, b] = make();
    b.subscribe('t', () => {
      throw new Error('a listener’s bug');
    });
    const kept = collect(b, 't');
    const gone = collect(b, 't');
    await b.ready();
    gone.unsubscribe();
    await a.publish('t', 1);
    await eventually(() => expect(kept.seen).toEqual([1]));
    await settle();
    expect(gone.seen).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps the order of one publisher’s events', async () => {
    const [a, b] = make();
    const received = collect(b, 'ordered');
    await b.ready();
    const sent = Array.from({ length: 50 }, (_, i) => i);
    for (const i of sent) await a.publish('ordered', i);
    await eventually(() => expect(received.seen).toEqual(sent));
    await Promise.all([a.close(), b.close()]);
  });
});

describe('Redis bus', () => {
  it('a publish fails while Redis is unreachable instead of hanging', async () => {
    const down = await startRedisServer();
    const bus = redisBus(down.url, log);
    await down.stop();
    await expect(bus.publish('t', 1)).rejects.toThrow();
    await bus.close();
  });
});

import { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.js';
import { type EventBus, topicListeners } from './eventBus.js';

/** Every channel of this product on a Redis it may share with other software. */
const PREFIX = 'chatwidget:';

/**
 * The bus across instances: Redis pub/sub. A subscribing connection can do nothing else, so there are two: one
 * publishes, one subscribes to the channels this instance has listeners for (one channel per topic, dropped when its
 * last listener leaves). While Redis is unreachable, publishes fail (the caller's write is already in the database)
 * and ioredis reconnects and resubscribes by itself.
 */
export function redisBus(url: string, log: Logger): EventBus {
  const options = { lazyConnect: false, maxRetriesPerRequest: 2, connectionName: 'chatwidget-bus' } as const;
  const publisher = new Redis(url, options);
  const subscriber = new Redis(url, { ...options, connectionName: 'chatwidget-bus-sub' });
  for (const client of [publisher, subscriber])
    client.on('error', (error: Error) => log.warn({ err: error.message }, 'Event bus: Redis connection error'));
  const listeners = topicListeners();
  let pending: Promise<unknown> = Promise.resolve();

  subscriber.on('message', (channel: string, payload: string) => {
    if (!channel.startsWith(PREFIX)) return;
    let event: unknown;
    try {
      event = JSON.parse(payload);
    } catch {
      return;
    }
    listeners.deliver(channel.slice(PREFIX.length), event);
  });

  const track = (work: Promise<unknown>) => {
    const settled = work.catch((error: Error) => log.warn({ err: error.message }, 'Event bus: subscription failed'));
    pending = Promise.all([pending, settled]);
  };

  return {
    async publish(topic, event) {
      await publisher.publish(PREFIX + topic, JSON.stringify(event));
    },
    subscribe(topic, listener) {
      if (listeners.add(topic, listener).first) track(subscriber.subscribe(PREFIX + topic));
      return () => {
        if (listeners.remove(topic, listener).last) track(subscriber.unsubscribe(PREFIX + topic));
      };
    },
    async ready() {
      await pending;
    },
    async close() {
      listeners.clear();
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}

import type { Emit, WidgetEvent, WidgetListener } from '../types.js';

/** The page API's events. A throwing listener is reported, never allowed to break the widget. */
export function createEmitter() {
  const listeners = new Map<WidgetEvent, Set<(payload: unknown) => void>>();
  const emit: Emit = (event, payload) => {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
    }
  };
  const on = <E extends WidgetEvent>(event: E, listener: WidgetListener<E>): (() => void) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener as (payload: unknown) => void);
    return () => set.delete(listener as (payload: unknown) => void);
  };
  return { emit, on };
}

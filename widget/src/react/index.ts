// The React binding (`@chatwidget/widget/react`) over the ESM build's page API (`../index.ts`): one widget per page,
// started in an effect. Nothing touches `window` at import or while rendering, so server rendering is safe; no JSX
// here, so the same file type-checks under the widget's Preact tsconfig and works with React 18 and 19.
import { useEffect } from 'react';
import { close, destroy, identify, init, on, open, toggle } from '../index.js';
import type { ChatWidgetApi, WidgetEvent, WidgetListener, WidgetOptions, WidgetUser } from '../types.js';

export type {
  Message,
  WidgetEvent,
  WidgetEventMap,
  WidgetListener,
  WidgetLook,
  WidgetOptions,
  WidgetUser,
} from '../index.js';

export interface ChatWidgetProps extends WidgetOptions {
  /** The signed-in user of the host site (`identify`); `null` or absent: an anonymous visitor. */
  user?: WidgetUser | null;
  onOpen?: WidgetListener<'open'>;
  onClose?: WidgetListener<'close'>;
  onMessageSent?: WidgetListener<'message:sent'>;
  onMessageReceived?: WidgetListener<'message:received'>;
  onError?: WidgetListener<'error'>;
}

/** Which prop listens to which event: a new event in `WidgetEventMap` fails to compile until it has its prop. */
const EVENT_PROPS = {
  open: 'onOpen',
  close: 'onClose',
  'message:sent': 'onMessageSent',
  'message:received': 'onMessageReceived',
  error: 'onError',
} as const satisfies Record<WidgetEvent, keyof ChatWidgetProps>;

/**
 * Starts the chat widget (its launcher lives in its own shadow root on `document.body`; this renders nothing) and
 * stops it on unmount. Changing an option restarts it; changing `user` identifies without a restart.
 */
export function ChatWidget(props: ChatWidgetProps): null {
  const { user, onOpen, onClose, onMessageSent, onMessageReceived, onError, ...options } = props;
  // Effects run in this order: listeners first (an `open: true` start emits `open`), then the user, then the start.
  useEffect(() => {
    const listeners = { onOpen, onClose, onMessageSent, onMessageReceived, onError };
    const offs = Object.entries(EVENT_PROPS).map(([event, prop]) => {
      const listener = listeners[prop];
      return listener ? on(event as WidgetEvent, listener as WidgetListener<WidgetEvent>) : undefined;
    });
    return () => {
      for (const off of offs) off?.();
    };
  }, [onOpen, onClose, onMessageSent, onMessageReceived, onError]);
  // Compared by value: an inline `user={{…}}` or `look={{…}}` must not restart the widget at every render.
  const userKey = JSON.stringify(user ?? null);
  useEffect(() => identify(JSON.parse(userKey)), [userKey]);
  const optionsKey = JSON.stringify(options);
  useEffect(() => {
    init(JSON.parse(optionsKey));
    // StrictMode's mount, unmount, mount in development ends with exactly one widget.
    return () => destroy();
  }, [optionsKey]);
  return null;
}

/** The page API for components under (or beside) `<ChatWidget>`: calls made before it starts take effect then. */
export interface ChatWidgetControls {
  open(): void;
  close(): void;
  toggle(): void;
  identify(user: WidgetUser | null): void;
  /** Subscribes to an event; returns the unsubscribe function (call it from an effect's cleanup). */
  on: ChatWidgetApi['on'];
}

const controls: ChatWidgetControls = { open, close, toggle, identify, on };

export function useChatWidget(): ChatWidgetControls {
  return controls;
}

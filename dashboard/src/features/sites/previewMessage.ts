import type { SiteLook } from '../../../../contract/index.js';

export const PREVIEW_MESSAGE_TYPE = 'chatwidget:preview';

/** Dashboard → preview page: show the widget for `siteKey` with this (unsaved) look. */
export interface PreviewMessage {
  type: typeof PREVIEW_MESSAGE_TYPE;
  siteKey: string;
  look: SiteLook;
}

export function isPreviewMessage(data: unknown): data is PreviewMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Partial<PreviewMessage>;
  return message.type === PREVIEW_MESSAGE_TYPE && typeof message.siteKey === 'string' && typeof message.look === 'object';
}

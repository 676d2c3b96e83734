import { effect } from '@preact/signals';
import { render } from 'preact';
import { Panel } from '../components/Panel.js';
import type { PanelContext, PanelHandle } from '../loader/PanelContract.js';
import { ChatModel } from '../state/createChatModel.js';
import { followViewport } from './followViewport.js';
import { lockPageScroll } from './lockPageScroll.js';
import { panelCss } from './panelCss.js';

const pageUrl = () => (/^https?:/.test(location.href) && location.href.length <= 2000 ? location.href : undefined);

/** The panel chunk's entry: builds the model from the loader's context, renders the panel and starts the session. */
export function mountPanel(ctx: PanelContext): PanelHandle {
  ctx.addStyles(panelCss);
  const model = new ChatModel({
    siteKey: ctx.siteKey,
    apiUrl: ctx.apiUrl,
    locale: ctx.locale.lang,
    user: ctx.user,
    look: ctx.look,
    fetch: ctx.fetch ?? ((input, init) => fetch(input, init)),
    XMLHttpRequest: ctx.XMLHttpRequest,
    storage: ctx.storage ?? null,
    events: window,
    isOnline: () => navigator.onLine !== false,
    emit: ctx.emit,
    onLook: ctx.setLook,
    pageUrl: pageUrl(),
    previewUrl: (file) => URL.createObjectURL(file),
    addStyles: ctx.addStyles,
  });
  const container = document.createElement('div');
  ctx.root.append(container);
  const touch = window.matchMedia?.('(pointer: coarse)').matches ?? false;
  render(<Panel model={model} t={ctx.locale.strings} onClose={ctx.requestClose} autoFocus={!touch} />, container);
  const stopViewport = followViewport(ctx.root);
  const phone = window.matchMedia?.('(max-width: 479px)');
  const stopLock = effect(() => {
    if (model.open.value && phone?.matches) return lockPageScroll();
  });
  model.start();
  return {
    setOpen: (open) => {
      model.open.value = open;
      if (open && model.phase.value === 'failed') model.start();
    },
    identify: (user) => model.identify(user),
    preview: (look) => {
      model.lookOverride.value = look;
    },
    destroy() {
      stopLock();
      stopViewport();
      render(null, container);
      container.remove();
      model[Symbol.dispose]();
    },
  };
}

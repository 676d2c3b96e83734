import type { Page } from 'playwright-core';

export interface DomFindings {
  /** Elements carrying an inline event handler attribute (`onerror`, `onload`, …). */
  handlers: string[];
  /** `href`/`src`/`action`/… values that would run script. */
  dangerousUrls: string[];
  /** Elements that should never come out of user or model text. */
  activeElements: string[];
  /** `window.__xss` in the page or any same-origin frame. */
  xss: unknown[];
}

/**
 * Reads what the browser actually built: the whole document, every open shadow root inside it, and
 * same-origin frames. `allowScriptsFrom` exempts the page's own bundles (their `src` on this origin).
 */
export function inspectDom(page: Page, options: { allowScriptsFrom: string }): Promise<DomFindings> {
  return page.evaluate(({ allowScriptsFrom }) => {
    const findings = {
      handlers: [] as string[],
      dangerousUrls: [] as string[],
      activeElements: [] as string[],
      xss: [] as unknown[],
    };
    const dangerous = /^\s*(?:javascript|vbscript|data:text\/html)/i;
    const urlAttributes = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc', 'background', 'poster'];
    const describe = (el: Element) => `<${el.tagName.toLowerCase()}> ${el.outerHTML.slice(0, 120)}`;
    const visit = (root: Document | ShadowRoot) => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        for (const attr of Array.from(el.attributes)) {
          if (/^on/i.test(attr.name)) findings.handlers.push(`${attr.name} on ${describe(el)}`);
          if (urlAttributes.includes(attr.name.toLowerCase()) && (dangerous.test(attr.value) || attr.name === 'srcdoc'))
            findings.dangerousUrls.push(`${attr.name}=${attr.value.slice(0, 60)} on ${describe(el)}`);
        }
        const tag = el.tagName.toLowerCase();
        if (['iframe', 'object', 'embed', 'base', 'frame', 'frameset', 'applet'].includes(tag)) {
          // The dashboard's own live preview frame is same-origin and ours.
          const src = el.getAttribute('src') ?? '';
          if (!(tag === 'iframe' && src.startsWith('/dashboard/'))) findings.activeElements.push(describe(el));
        }
        if (tag === 'script') {
          const src = el.getAttribute('src');
          if (!src || !new URL(src, location.href).href.startsWith(allowScriptsFrom)) findings.activeElements.push(describe(el));
        }
        if (tag === 'meta' && el.getAttribute('http-equiv')?.toLowerCase() === 'refresh')
          findings.activeElements.push(describe(el));
        if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    visit(document);
    const windows: Window[] = [window];
    for (let i = 0; i < window.frames.length; i++) windows.push(window.frames[i] as Window);
    for (const w of windows) {
      try {
        const value = (w as unknown as { __xss?: unknown }).__xss;
        if (value !== undefined) findings.xss.push(value);
      } catch {
        // A cross-origin frame: none of ours are.
      }
    }
    return findings;
  }, options);
}

/**
 * Styles for a shadow root: a constructable stylesheet where supported (no `<style>` element, so a strict
 * `style-src` CSP is no obstacle), else a `<style nonce>` that such a CSP allows.
 */
export function adoptStyles(shadow: ShadowRoot, css: string, nonce?: string): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
    return;
  } catch {}
  const style = document.createElement('style');
  if (nonce) style.nonce = nonce;
  style.textContent = css;
  shadow.append(style);
}

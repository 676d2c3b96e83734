const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The one line a site owner pastes: `<script src="ORIGIN/widget.js" data-site-key="KEY" async></script>`.
 * `origin` is where the server runs (trailing slashes and any path are dropped); both values are attribute-escaped.
 */
export function buildEmbedSnippet(origin: string, siteKey: string): string {
  const base = new URL(origin).origin;
  return `<script src="${escapeAttribute(`${base}/widget.js`)}" data-site-key="${escapeAttribute(siteKey)}" async></script>`;
}

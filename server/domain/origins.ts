/** Is `origin` one of the site's allowed origins (exact, or `https://*.example.com` for subdomains)? */
export function originAllowed(origin: string, allowedOrigins: string[], allowLocalhost: boolean): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false;
  if (allowLocalhost && (url.hostname === 'localhost' || url.hostname === '127.0.0.1') && url.protocol === 'http:') return true;
  return allowedOrigins.some((allowed) => {
    if (allowed === origin) return true;
    const wildcard = /^(https?):\/\/\*\.(.+)$/.exec(allowed);
    return Boolean(wildcard && url.protocol === `${wildcard[1]}:` && url.host.endsWith(`.${wildcard[2]}`));
  });
}

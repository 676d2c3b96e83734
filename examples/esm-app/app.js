// Served at /examples/esm-app/; the ESM build (dist/widget-esm/) is served at /widget-esm/.
import { identify, init, on, open } from '/widget-esm/index.js';

const siteKey = document.querySelector('meta[name="chat-site-key"]').content;
const log = document.getElementById('log');
const write = (line) => {
  log.textContent += `${new Date().toLocaleTimeString()}  ${line}\n`;
};

for (const event of ['open', 'close', 'message:sent', 'message:received', 'error']) {
  on(event, (payload) => write(`${event}${payload ? ` ${JSON.stringify(payload).slice(0, 120)}` : ''}`));
}

// apiUrl defaults to the origin the module was served from; pass it when the API lives elsewhere.
init({ siteKey, position: 'bottom-right' });

document.getElementById('ask').addEventListener('click', () => open());
// identify() is accepted only on a site with identity verification on, with userHash = HMAC-SHA256(identity secret,
// user id) computed by the site's own server (the secret never reaches the page). The demo site has it off, so the
// server refuses the identity (an `error` event, code identity_not_enabled) and this page goes on anonymously.
on('error', ({ code }) => {
  if (code === 'identity_not_enabled' || code === 'identity_invalid') identify(null);
});
document
  .getElementById('sign-in')
  .addEventListener('click', () => identify({ id: 'demo-ada', name: 'Ada', email: 'ada@example.com' }));
document.getElementById('sign-out').addEventListener('click', () => identify(null));

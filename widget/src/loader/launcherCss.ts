/** The launcher's styles (the panel brings its own with its chunk). */
export const launcherCss = `
.cw{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;--cw-gap:20px}
.cw *{box-sizing:border-box}
[hidden]{display:none!important}
.launcher{position:fixed;bottom:var(--cw-gap);right:var(--cw-gap);width:56px;height:56px;border-radius:50%;border:0;padding:0;margin:0;cursor:pointer;display:grid;place-items:center;background:var(--cw-accent,#2563eb);color:var(--cw-on-accent,#fff);box-shadow:0 4px 16px rgba(0,0,0,.25);transition:transform .15s ease}
.left .launcher{right:auto;left:var(--cw-gap)}
.launcher:hover{transform:scale(1.06)}
.launcher:focus-visible{outline:3px solid #1a1a1a;outline-offset:3px;box-shadow:0 0 0 3px #fff}
.launcher svg{width:28px;height:28px;fill:currentColor}
.launcher[aria-busy=true]{opacity:.7}
@media (prefers-reduced-motion:reduce){.cw *{transition:none!important;animation:none!important}}
`;

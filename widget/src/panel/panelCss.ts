/** The panel's styles, shipped with its chunk. Logical properties so right-to-left locales mirror the layout. */
export const panelCss = `
.panel{position:fixed;bottom:calc(var(--cw-gap) + 68px);right:var(--cw-gap);width:380px;height:min(640px,calc(100vh - 120px));display:flex;flex-direction:column;background:#fff;border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.22);overflow:hidden;animation:cw-in .18s ease-out}
.left .panel{right:auto;left:var(--cw-gap)}
@keyframes cw-in{from{opacity:0;transform:translateY(12px)}}
header{display:flex;align-items:center;gap:8px;padding:12px 12px 12px 16px;background:var(--cw-accent,#2563eb);color:var(--cw-on-accent,#fff)}
h2{flex:1;margin:0;font-size:16px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
button{font:inherit;cursor:pointer}
.icon{background:none;border:0;color:inherit;width:36px;height:36px;border-radius:8px;display:grid;place-items:center;font-size:20px;line-height:1}
.icon:hover{background:rgba(127,127,127,.18)}
:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
header :focus-visible{outline-color:currentColor}
.banner{padding:8px 16px;background:#fff4d6;color:#5c3d00;font-size:13px}
.log{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}
.msg{max-width:85%;padding:9px 13px;border-radius:14px;overflow-wrap:anywhere;background:#f1f3f5;align-self:flex-start}
.msg.user{align-self:flex-end;background:var(--cw-accent,#2563eb);color:var(--cw-on-accent,#fff);white-space:pre-wrap}
.msg p{margin:0 0 .5em}.msg p:last-child{margin:0}
.msg ul,.msg ol{margin:.3em 0;padding-inline-start:1.3em}
.msg pre{background:#1f2328;color:#f6f8fa;padding:8px 10px;border-radius:8px;overflow-x:auto;font-size:13px}
.msg code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.92em}
.msg a{color:#1d4ed8}
.cites{font-size:12px}
.status{font-size:12px;color:#595959;margin-top:4px;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.user .status{color:inherit}
.link{background:none;border:0;padding:0;color:#1d4ed8;text-decoration:underline;font-size:12px}
.user .link{color:inherit}
.rate{background:none;border:1px solid #d0d4d9;border-radius:6px;padding:3px 6px;font-size:13px;color:#333}
.rate[aria-pressed=true]{background:#e7efff;border-color:#1d4ed8}
.thumbs{display:flex;gap:6px;flex-wrap:wrap;margin-bottom:4px}
.thumbs img{width:64px;height:64px;object-fit:cover;border-radius:8px;display:block;background:#ddd}
.starters{display:flex;flex-wrap:wrap;gap:8px}
.starter{border:1px solid var(--cw-accent,#2563eb);color:#1a1a1a;background:#fff;border-radius:16px;padding:5px 12px;font-size:14px}
.notice{padding:6px 16px;font-size:13px;color:#8a1c1c;background:#fdecec}
.composer{border-top:1px solid #e6e8eb;padding:8px;display:flex;flex-direction:column;gap:6px}
.row{display:flex;align-items:flex-end;gap:6px}
textarea{flex:1;resize:none;border:1px solid #c9cdd2;border-radius:10px;padding:8px 10px;font:inherit;font-size:16px;max-height:120px;min-height:40px;color:#1a1a1a;background:#fff}
.send{border:0;border-radius:10px;height:40px;padding:0 14px;background:var(--cw-accent,#2563eb);color:var(--cw-on-accent,#fff);font-weight:600}
.send:disabled{opacity:.5;cursor:default}
.attach{color:#333}
.ico{width:20px;height:20px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.rate .ico{width:15px;height:15px;display:block}.flip{transform:rotate(180deg)}
.att{position:relative}
.att img{width:56px;height:56px;object-fit:cover;border-radius:8px;display:block}
.att progress{position:absolute;left:4px;right:4px;bottom:4px;width:48px;height:4px}
.att .icon{position:absolute;top:-8px;inset-inline-end:-8px;width:22px;height:22px;font-size:14px;background:#333;color:#fff;border-radius:50%}
.att.error img{outline:2px solid #b42318}
.who{display:block;font-size:12px;margin-bottom:2px}
.talk{align-self:center;margin:4px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.drop{outline:3px dashed var(--cw-accent,#2563eb);outline-offset:-6px}
@media (max-width:479px){.panel,.left .panel{inset:auto 0 0 0;top:var(--cw-top,0);width:100%;height:var(--cw-vh,100%);border-radius:0}}
@media (prefers-reduced-motion:reduce){.panel{animation:none}}
`;

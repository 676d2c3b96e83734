import type { ComponentChildren } from 'preact';
import { renderInline } from './renderInline.js';

const FENCE = /^\s{0,3}(```|~~~)/;
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const NUMBERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;

/**
 * The widget's only markdown renderer: paragraphs, headings (shown bold), bullet and numbered lists, fenced and inline
 * code, emphasis and links, built as Preact nodes (never an HTML string). See docs/widget-markdown.md for why it is
 * hand-written.
 */
export function Markdown({ text }: { text: string }) {
  const blocks: ComponentChildren[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!); i++) body.push(lines[i]!);
      i++;
      blocks.push(
        <pre>
          <code>{body.join('\n')}</code>
        </pre>,
      );
    } else if (BULLET.test(line) || NUMBERED.test(line)) {
      const ordered = !BULLET.test(line);
      const pattern = ordered ? NUMBERED : BULLET;
      const items: string[] = [];
      for (let m = pattern.exec(line); i < lines.length && m; m = pattern.exec(lines[i] ?? '')) {
        items.push(m[ordered ? 2 : 1]!);
        // Indented continuation lines belong to the item.
        for (i++; i < lines.length && /^\s{2,}\S/.test(lines[i]!) && !pattern.test(lines[i]!); i++)
          items.push(`${items.pop()}\n${lines[i]!.trim()}`);
      }
      // biome-ignore lint/suspicious/noArrayIndexKey: a streaming answer only appends, so position is the identity.
      const children = items.map((item, n) => <li key={n}>{renderInline(item)}</li>);
      const start = ordered ? Number(NUMBERED.exec(line)![1]) : 1;
      blocks.push(ordered ? <ol start={start === 1 ? undefined : start}>{children}</ol> : <ul>{children}</ul>);
    } else if (HEADING.test(line)) {
      blocks.push(
        <p>
          <strong>{renderInline(HEADING.exec(line)![1]!)}</strong>
        </p>,
      );
      i++;
    } else if (!line.trim()) {
      i++;
    } else {
      const para: string[] = [];
      for (
        ;
        i < lines.length &&
        lines[i]!.trim() &&
        !FENCE.test(lines[i]!) &&
        !BULLET.test(lines[i]!) &&
        !NUMBERED.test(lines[i]!) &&
        !HEADING.test(lines[i]!);
        i++
      )
        para.push(lines[i]!);
      blocks.push(<p>{renderInline(para.join('\n'))}</p>);
    }
  }
  return <>{blocks}</>;
}

import { describe, expect, it } from 'vitest';
import { neutralizeFormula } from './exportFormats.js';

describe('neutralizeFormula', () => {
  it('makes text of every cell a spreadsheet would run (= + - @ tab CR), and leaves the rest alone', () => {
    for (const cell of ['=1+1', '+1', '-1', '@A1', '\tx', '\rx']) expect(neutralizeFormula(cell)).toBe(`'${cell}`);
    for (const cell of ['', 'hello', ' =1', "'=1", '1-1', 'a@b.c']) expect(neutralizeFormula(cell)).toBe(cell);
  });
});

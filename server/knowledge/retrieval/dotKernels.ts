/**
 * The WebAssembly module of the dot-product kernels (`dotProducts.ts` runs them), assembled from a listing of its
 * instructions: no build step, no binary in the repository. WebAssembly core 2.0 with fixed-width SIMD; the text
 * format of each instruction is its name here.
 */

/** Unsigned LEB128, as WebAssembly writes sizes, indexes and memory offsets. */
function leb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    bytes.push(rest ? byte | 0x80 : byte);
  } while (rest);
  return bytes;
}
/** Signed LEB128, as `i32.const` writes its value. */
function sleb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && !(byte & 0x40)) || (rest === -1 && byte & 0x40);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}
const name = (text: string) => [text.length, ...[...text].map((c) => c.charCodeAt(0))];
const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
const list = (items: number[][]) => [...leb(items.length), ...items.flat()];

// The instructions the kernel uses (WebAssembly core 2.0 and its fixed-width SIMD proposal).
const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  return: [0x0f],
  brIfLoop: [0x0d, 0], // branch to the innermost enclosing loop's start
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  tee: (local: number) => [0x22, local],
  i32: (value: number) => [0x41, ...sleb(value)],
  i32Add: [0x6a],
  i32Eqz: [0x45],
  i32LtU: [0x49],
  f32Add: [0x92],
  f32Store: [0x38, 2, 0], // align 4, offset 0
  v128Load: (offset: number) => [0xfd, 0x00, 4, ...leb(offset)], // align 16
  v128Zero: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  f32x4Lane: (lane: number) => [0xfd, 0x1f, lane],
  f32x4Add: [0xfd, ...leb(228)],
  f32x4Mul: [0xfd, ...leb(230)],
  i32Store: [0x36, 2, 0], // align 4, offset 0
  i32x4Lane: (lane: number) => [0xfd, 0x1b, lane],
  i32x4Add: [0xfd, ...leb(174)],
  i32x4DotI16x8: [0xfd, ...leb(186)], // pairwise products of 16-bit lanes, added into 32-bit lanes
  i16x8ExtendLowI8x16: [0xfd, ...leb(135)], // the first 8 of 16 signed bytes, widened to 16 bits
  i16x8ExtendHighI8x16: [0xfd, ...leb(136)],
};

/** Every kernel's parameters: the query's and the first row's addresses, how many rows, a row's bytes, the first score's address. */
const [QUERY, ROW, ROWS, ROW_BYTES, SCORE] = [0, 1, 2, 3, 4];

/**
 * A kernel's body: its own locals, then for each row (none when `rows` is 0) the row's code, which leaves the row's
 * score on the stack to be stored (`store`) at the score's address; then on to the next row and score.
 */
function forEachRow(locals: number[][], row: number[], store: number[]): number[] {
  return [
    ...list(locals),
    ...op.get(ROWS),
    ...op.i32Eqz,
    ...op.if,
    ...op.return,
    ...op.end,
    ...op.loop, // each row
    ...op.get(SCORE),
    ...row,
    ...store,
    ...op.get(SCORE),
    ...op.i32(4),
    ...op.i32Add,
    ...op.set(SCORE),
    ...op.get(ROW),
    ...op.get(ROW_BYTES),
    ...op.i32Add,
    ...op.set(ROW),
    ...op.get(ROWS),
    ...op.i32(-1),
    ...op.i32Add,
    ...op.tee(ROWS),
    ...op.brIfLoop,
    ...op.end,
    ...op.end,
  ];
}

/** `i += by; continue while i < rowBytes`: the end of a step of the inner loop. */
const nextStep = (i: number, by: number) => [
  ...op.get(i),
  ...op.i32(by),
  ...op.i32Add,
  ...op.tee(i),
  ...op.get(ROW_BYTES),
  ...op.i32LtU,
  ...op.brIfLoop,
  ...op.end,
];

/**
 * `dots`: f32 query and rows, `rowBytes` a multiple of 64, f32 scores. For each row: four running sums of four lanes
 * (independent additions pipeline), added up into one score.
 */
function floatKernel(): number[] {
  const [I, A, B, C, D] = [5, 6, 7, 8, 9];
  const accumulate = (sum: number, offset: number) => [
    ...op.get(sum),
    ...op.get(QUERY),
    ...op.get(I),
    ...op.i32Add,
    ...op.v128Load(offset),
    ...op.get(ROW),
    ...op.get(I),
    ...op.i32Add,
    ...op.v128Load(offset),
    ...op.f32x4Mul,
    ...op.f32x4Add,
    ...op.set(sum),
  ];
  const row = [
    ...[A, B, C, D].flatMap((sum) => [...op.v128Zero, ...op.set(sum)]),
    ...op.i32(0),
    ...op.set(I),
    ...op.loop, // each step of 16 floats
    ...accumulate(A, 0),
    ...accumulate(B, 16),
    ...accumulate(C, 32),
    ...accumulate(D, 48),
    ...nextStep(I, 64),
    // the four lanes of (A + B) + (C + D), added up
    ...op.get(A),
    ...op.get(B),
    ...op.f32x4Add,
    ...op.get(C),
    ...op.get(D),
    ...op.f32x4Add,
    ...op.f32x4Add,
    ...op.tee(A),
    ...op.f32x4Lane(0),
    ...[1, 2, 3].flatMap((lane) => [...op.get(A), ...op.f32x4Lane(lane), ...op.f32Add]),
  ];
  return forEachRow(
    [
      [1, I32],
      [4, V128],
    ],
    row,
    op.f32Store,
  );
}

/**
 * `dots8`: 16-bit query, 8-bit rows of `rowBytes` (a multiple of 16), 32-bit scores. Each step widens 16 bytes of the
 * row to two vectors of eight 16-bit lanes and multiplies them with the query pairwise into two running sums of four
 * 32-bit lanes.
 */
function quantizedKernel(): number[] {
  const [I, J, V, A, B] = [5, 6, 7, 8, 9];
  const row = [
    ...[A, B].flatMap((sum) => [...op.v128Zero, ...op.set(sum)]),
    ...op.i32(0),
    ...op.set(I),
    ...op.i32(0),
    ...op.set(J),
    ...op.loop, // each step of 16 bytes of the row (32 of the query)
    ...op.get(A),
    ...op.get(ROW),
    ...op.get(I),
    ...op.i32Add,
    ...op.v128Load(0),
    ...op.tee(V),
    ...op.i16x8ExtendLowI8x16,
    ...op.get(QUERY),
    ...op.get(J),
    ...op.i32Add,
    ...op.v128Load(0),
    ...op.i32x4DotI16x8,
    ...op.i32x4Add,
    ...op.set(A),
    ...op.get(B),
    ...op.get(V),
    ...op.i16x8ExtendHighI8x16,
    ...op.get(QUERY),
    ...op.get(J),
    ...op.i32Add,
    ...op.v128Load(16),
    ...op.i32x4DotI16x8,
    ...op.i32x4Add,
    ...op.set(B),
    ...op.get(J),
    ...op.i32(32),
    ...op.i32Add,
    ...op.set(J),
    ...nextStep(I, 16),
    // the four lanes of A + B, added up
    ...op.get(A),
    ...op.get(B),
    ...op.i32x4Add,
    ...op.tee(A),
    ...op.i32x4Lane(0),
    ...[1, 2, 3].flatMap((lane) => [...op.get(A), ...op.i32x4Lane(lane), ...op.i32Add]),
  ];
  return forEachRow(
    [
      [2, I32],
      [3, V128],
    ],
    row,
    op.i32Store,
  );
}

/** The module: memory imported as `env.memory`, the two kernels exported as `dots` and `dots8`. */
export function kernelModule(): Uint8Array {
  const bodies = [floatKernel(), quantizedKernel()];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, list([[0x60, ...list([[I32], [I32], [I32], [I32], [I32]]), 0]])), // type: (i32 × 5) → ()
    ...section(2, list([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])), // import env.memory (min 0 pages)
    ...section(3, list([[0], [0]])), // two functions of type 0
    ...section(
      7,
      list([
        [...name('dots'), 0x00, 0],
        [...name('dots8'), 0x00, 1],
      ]),
    ),
    ...section(10, list(bodies.map((body) => [...leb(body.length), ...body]))),
  ]);
}

import { kernelModule } from './dotKernels.js';

/**
 * Dot products of one query against every row of a matrix, the inner loop of vector search. A WebAssembly kernel with
 * 128-bit SIMD (four f32 lanes, four accumulators: sixteen products per step) does them about 7x faster than the
 * best scalar JavaScript loop; where WebAssembly SIMD is missing, the scalar loop does the same work. Both read and
 * write one buffer: the query, then the matrix row after row, then one score per row (see `docs/retrieval-speed.md`).
 * With SIMD there is also a quarter-size copy of the matrix in 8-bit integers, scored against a 16-bit query in exact
 * integer arithmetic: a coarse pass that reads a quarter of the memory.
 */
export interface QuantizedDotProducts {
  /** Write the query here, scaled to integers (`width` of them, |value| ≤ `queryLimit`). */
  readonly query: Int16Array;
  /** The largest query value that cannot overflow a 32-bit sum against rows of values within ±127. */
  readonly queryLimit: number;
  /** Row `r` starts at `r * width`, values within ±127. */
  readonly matrix: Int8Array;
  /** After `run()`: `scores[r]` is `query · matrix[r]`, exactly. */
  readonly scores: Int32Array;
  run(): void;
}

export interface DotProducts {
  /** Floats per row: the dimensions padded with zeros to a multiple of 16, the kernel's step. */
  readonly width: number;
  /** Write the query here (`width` floats; the padding stays zero). */
  readonly query: Float32Array;
  /** Row `r` starts at `r * width`. */
  readonly matrix: Float32Array;
  /** After `run()`: `scores[r]` is `query · matrix[r]`. */
  readonly scores: Float32Array;
  run(): void;
  /** `query · matrix[row]` alone, as `run()` computes it. */
  runRow(row: number): number;
  /** The 8-bit copy and its kernel (null without WebAssembly SIMD). */
  readonly quantized: QuantizedDotProducts | null;
}

export type DotKernel = 'simd' | 'scalar';

/** Floats per kernel step: four 128-bit vectors of four lanes. */
const STEP = 16;
const WASM_PAGE = 65_536;

/** What is used of the runtime's WebAssembly (the server's TypeScript libraries, ES2023 and Node's, declare no values). */
interface WasmRuntime {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as { WebAssembly?: WasmRuntime }).WebAssembly;

const kernelBytes = kernelModule();
let compiled: object | null | undefined;
/** Compiled once per process; null where the runtime has no WebAssembly SIMD. */
function simdModule(): object | null {
  if (compiled === undefined) compiled = wasm?.validate(kernelBytes) ? new wasm.Module(kernelBytes) : null;
  return compiled;
}

/** The kernel this runtime runs: SIMD where WebAssembly has it. */
export const defaultKernel = (): DotKernel => (simdModule() ? 'simd' : 'scalar');

const aligned = (bytes: number) => Math.ceil(bytes / 16) * 16;

/**
 * The kernels' memory, or null when the runtime refuses it (each memory reserves several GB of address space: a
 * process limited by `ulimit -v`, or holding very many indexes, can run out): the scalar loop then needs none.
 */
function simdMemory(runtime: WasmRuntime, bytes: number) {
  try {
    return new runtime.Memory({ initial: Math.ceil(bytes / WASM_PAGE) });
  } catch {
    return null;
  }
}

/** Memory for `rows` rows of `dimensions` floats, with the kernel that scores them (`kernel` chosen in tests only). */
export function dotProducts(rows: number, dimensions: number, kernel: DotKernel = defaultKernel()): DotProducts {
  const width = Math.ceil(dimensions / STEP) * STEP;
  const module = kernel === 'simd' ? simdModule() : null;
  if (kernel === 'simd' && !module) throw new Error('WebAssembly SIMD is not available in this runtime');
  // The floats (query, matrix, scores), then with SIMD the integers (16-bit query, 8-bit matrix, 32-bit scores).
  const at = { matrix: width * 4, scores: (width + rows * width) * 4 };
  const atInt = { query: aligned(at.scores + rows * 4), matrix: 0, scores: 0, end: 0 };
  atInt.matrix = atInt.query + width * 2;
  atInt.scores = atInt.matrix + rows * width;
  atInt.end = atInt.scores + rows * 4;
  const memory = module && wasm ? simdMemory(wasm, atInt.end) : null;
  const bytes = memory ? atInt.end : atInt.query;
  const buffer = memory ? memory.buffer : new ArrayBuffer(bytes);
  const query = new Float32Array(buffer, 0, width);
  const matrix = new Float32Array(buffer, at.matrix, rows * width);
  const scores = new Float32Array(buffer, at.scores, rows);

  if (module && memory && wasm) {
    const kernels = new wasm.Instance(module, { env: { memory } }).exports;
    const dots = kernels.dots as (...args: number[]) => void;
    const dots8 = kernels.dots8 as (...args: number[]) => void;
    const quantized = {
      query: new Int16Array(buffer, atInt.query, width),
      queryLimit: Math.min(32_767, Math.floor(0x7fffffff / (127 * width))),
      matrix: new Int8Array(buffer, atInt.matrix, rows * width),
      scores: new Int32Array(buffer, atInt.scores, rows),
      run: () => dots8(atInt.query, atInt.matrix, rows, width, atInt.scores),
    };
    return {
      width,
      query,
      matrix,
      scores,
      run: () => dots(0, at.matrix, rows, width * 4, at.scores),
      runRow(row) {
        dots(0, at.matrix + row * width * 4, 1, width * 4, at.scores + row * 4);
        return scores[row] as number;
      },
      quantized,
    };
  }
  const runRow = (row: number) => {
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    const offset = row * width;
    for (let i = 0; i < width; i += 4) {
      a += (query[i] as number) * (matrix[offset + i] as number);
      b += (query[i + 1] as number) * (matrix[offset + i + 1] as number);
      c += (query[i + 2] as number) * (matrix[offset + i + 2] as number);
      d += (query[i + 3] as number) * (matrix[offset + i + 3] as number);
    }
    scores[row] = a + b + c + d;
    return scores[row] as number;
  };
  return {
    width,
    query,
    matrix,
    scores,
    run() {
      for (let row = 0; row < rows; row++) runRow(row);
    },
    runRow,
    quantized: null,
  };
}

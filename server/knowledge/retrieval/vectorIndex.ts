import { type DotKernel, dotProducts } from './dotProducts.js';
import { topK } from './topK.js';

export interface VectorHit {
  position: number;
  similarity: number;
}

/** Scaled to length 1 (Gemini's vectors under 3,072 dimensions are not normalised), so a dot product is the cosine. */
export function normalize(vector: ArrayLike<number>, out: Float32Array = new Float32Array(vector.length)): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += (vector[i] as number) ** 2;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < vector.length; i++) out[i] = (vector[i] as number) * scale;
  return out;
}

/** Room for the float kernel's rounding (a sum of ≤ 3,072 f32 products of unit vectors errs by far less). */
const ROUNDING = 1e-5;

/**
 * Exact cosine top-k over one site's embeddings, normalised once at build into one contiguous matrix. With WebAssembly
 * SIMD, a coarse pass scores every row from an 8-bit copy (a quarter of the memory to read); each row's score is then
 * known within a bound, and only the rows whose bound reaches the k-th best exact score are scored again exactly
 * (usually a few dozen of 10,000). Without SIMD, every row is scored exactly. Either way the answer is the exact top k
 * (equal similarities: the earlier passage first), and a question allocates only its answer.
 */
export function vectorIndex(embeddings: (ArrayLike<number> | null)[], kernel?: DotKernel) {
  const dimensions = embeddings.find((embedding) => embedding?.length)?.length ?? 0;
  // Vectors of another size (another model) are left out rather than compared.
  const positions = Int32Array.from(
    embeddings.flatMap((embedding, position) => (embedding?.length === dimensions ? [position] : [])),
  );
  const rows = positions.length;
  const dots = dotProducts(rows, dimensions, kernel);
  const { width, quantized } = dots;
  for (let row = 0; row < rows; row++)
    normalize(embeddings[positions[row] as number] as ArrayLike<number>, dots.matrix.subarray(row * width));

  // Row r's 8-bit copy is v / step[r] rounded, so each value is off by at most step[r] / 2: the coarse score of
  // q · v is off by at most (step[r] / 2) Σ|q| + (queryStep / 2) Σ|v'| (v' the rounded copy, scaled back).
  const step = new Float64Array(rows);
  const copyL1 = new Float64Array(rows);
  if (quantized)
    for (let row = 0; row < rows; row++) {
      const values = dots.matrix.subarray(row * width, (row + 1) * width);
      let largest = 0;
      for (const value of values) largest = Math.max(largest, Math.abs(value));
      step[row] = largest / 127;
      const scale = largest > 0 ? 127 / largest : 0;
      let l1 = 0;
      for (let i = 0; i < width; i++) {
        const rounded = Math.round((values[i] as number) * scale);
        quantized.matrix[row * width + i] = rounded;
        l1 += Math.abs(rounded);
      }
      copyL1[row] = l1 * (step[row] as number);
    }
  const coarse = topK();
  const best = topK();
  const rescored = new Uint8Array(rows);
  const approximate = new Float64Array(quantized ? rows : 0);

  /** Exact similarities of the rows whose bound reaches the k-th best (the bound is checked against it as it rises). */
  function refine(k: number) {
    if (!quantized) return;
    let largest = 0;
    let l1 = 0;
    for (let i = 0; i < width; i++) {
      const value = Math.abs(dots.query[i] as number);
      largest = Math.max(largest, value);
      l1 += value;
    }
    const scale = largest > 0 ? quantized.queryLimit / largest : 0;
    const queryStep = largest / quantized.queryLimit;
    const halfQueryL1 = l1 / 2;
    const halfQueryStep = queryStep / 2;
    for (let i = 0; i < width; i++) quantized.query[i] = Math.round((dots.query[i] as number) * scale);
    quantized.run();
    const { scores } = quantized;
    // The best k by the coarse score, scored exactly: the k-th of them is a floor for the k-th best.
    coarse.reset(k);
    for (let row = 0; row < rows; row++) {
      const score = (scores[row] as number) * queryStep * (step[row] as number);
      approximate[row] = score;
      if (score >= coarse.threshold) coarse.offer(row, score);
    }
    for (let n = 0; n < k; n++) {
      const row = coarse.item(n);
      rescored[row] = 1;
      best.offer(row, dots.runRow(row));
    }
    let floor = best.threshold;
    for (let row = 0; row < rows; row++) {
      const reach =
        (approximate[row] as number) + (step[row] as number) * halfQueryL1 + (copyL1[row] as number) * halfQueryStep + ROUNDING;
      if (reach < floor || rescored[row]) continue;
      best.offer(row, dots.runRow(row));
      floor = best.threshold;
    }
    for (let n = 0; n < k; n++) rescored[coarse.item(n)] = 0;
  }

  return {
    size: rows,
    nearest(query: ArrayLike<number>, limit: number): VectorHit[] {
      if (rows === 0 || query.length !== dimensions || limit <= 0) return [];
      normalize(query, dots.query);
      const k = Math.min(limit, rows);
      best.reset(k);
      if (quantized) refine(k);
      else {
        dots.run();
        for (let row = 0; row < rows; row++) best.offer(row, dots.scores[row] as number);
      }
      return Array.from({ length: best.size }, (_, n) => ({
        position: positions[best.item(n)] as number,
        similarity: best.score(n),
      }));
    },
  };
}

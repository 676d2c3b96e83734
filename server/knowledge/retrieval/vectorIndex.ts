import { type DotKernel, dotProducts } from './dotProducts.js';

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

/**
 * Exact cosine top-k over one site's embeddings: normalised once at build into one contiguous matrix, scored against
 * the question by the dot-product kernel (WebAssembly SIMD), the best `limit` kept by insertion into a short sorted list
 * (equal similarities: the earlier passage first). A question allocates only its answer.
 */
export function vectorIndex(embeddings: (ArrayLike<number> | null)[], kernel?: DotKernel) {
  const dimensions = embeddings.find((embedding) => embedding?.length)?.length ?? 0;
  // Vectors of another size (another model) are left out rather than compared.
  const positions = Int32Array.from(
    embeddings.flatMap((embedding, position) => (embedding?.length === dimensions ? [position] : [])),
  );
  const rows = positions.length;
  const dots = dotProducts(rows, dimensions, kernel);
  for (let row = 0; row < rows; row++)
    normalize(embeddings[positions[row] as number] as ArrayLike<number>, dots.matrix.subarray(row * dots.width));
  const best = { rows: new Int32Array(0), similarities: new Float32Array(0) };

  return {
    size: rows,
    nearest(query: ArrayLike<number>, limit: number): VectorHit[] {
      if (rows === 0 || query.length !== dimensions || limit <= 0) return [];
      normalize(query, dots.query);
      dots.run();
      const { scores } = dots;
      const k = Math.min(limit, rows);
      if (best.rows.length < k) Object.assign(best, { rows: new Int32Array(k), similarities: new Float32Array(k) });
      let kept = 0;
      for (let row = 0; row < rows; row++) {
        const score = scores[row] as number;
        if (kept === k && score <= (best.similarities[k - 1] as number)) continue;
        let at = kept < k ? kept++ : k - 1;
        for (; at > 0 && (best.similarities[at - 1] as number) < score; at--) {
          best.similarities[at] = best.similarities[at - 1] as number;
          best.rows[at] = best.rows[at - 1] as number;
        }
        best.similarities[at] = score;
        best.rows[at] = row;
      }
      return Array.from({ length: kept }, (_, n) => ({
        position: positions[best.rows[n] as number] as number,
        similarity: best.similarities[n] as number,
      }));
    },
  };
}

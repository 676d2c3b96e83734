export interface VectorHit {
  position: number;
  similarity: number;
}

/** Scaled to length 1 (Gemini's vectors under 3,072 dimensions are not normalised), so a dot product is the cosine. */
export function normalize(vector: ArrayLike<number>): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += (vector[i] as number) ** 2;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = (vector[i] as number) * scale;
  return out;
}

/**
 * Exact cosine top-k over one site's embeddings: one flat matrix scanned in a tight loop, the best `limit` kept as it
 * goes (10k vectors of 768 dimensions: see `npm run bench:retrieval`).
 */
export function vectorIndex(embeddings: (ArrayLike<number> | null)[]) {
  const dimensions = embeddings.find((embedding) => embedding?.length)?.length ?? 0;
  // Vectors of another size (another model) are left out rather than compared.
  const positions = embeddings.flatMap((embedding, position) => (embedding?.length === dimensions ? [position] : []));
  const width = Math.ceil(dimensions / 4) * 4;
  const matrix = new Float32Array(positions.length * width);
  for (const [row, position] of positions.entries())
    matrix.set(normalize(embeddings[position] as ArrayLike<number>), row * width);
  return {
    size: positions.length,
    nearest(query: number[], limit: number): VectorHit[] {
      if (query.length !== dimensions || limit <= 0) return [];
      const q = new Float32Array(width);
      q.set(normalize(query));
      const best: VectorHit[] = [];
      // Four running sums: independent additions pipeline (about 1.5x faster than one sum in V8); the matrix is
      // padded to a multiple of four dimensions with zeros.
      for (let row = 0; row < positions.length; row++) {
        let a = 0;
        let b = 0;
        let c = 0;
        let d = 0;
        const offset = row * width;
        for (let i = 0; i < width; i += 4) {
          a += (q[i] as number) * (matrix[offset + i] as number);
          b += (q[i + 1] as number) * (matrix[offset + i + 1] as number);
          c += (q[i + 2] as number) * (matrix[offset + i + 2] as number);
          d += (q[i + 3] as number) * (matrix[offset + i + 3] as number);
        }
        const dot = a + b + c + d;
        if (best.length === limit && dot <= (best[limit - 1] as VectorHit).similarity) continue;
        let at = best.length;
        while (at > 0 && (best[at - 1] as VectorHit).similarity < dot) at--;
        best.splice(at, 0, { position: positions[row] as number, similarity: dot });
        if (best.length > limit) best.pop();
      }
      return best;
    },
  };
}

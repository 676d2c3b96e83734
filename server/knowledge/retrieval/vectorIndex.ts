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

/** Exact cosine top-k over one site's embeddings (a flat scan: ~10k vectors stay within a few milliseconds). */
export function vectorIndex(embeddings: (number[] | null)[]) {
  const vectors = embeddings.map((embedding) => (embedding?.length ? normalize(embedding) : null));
  const size = vectors.filter(Boolean).length;
  return {
    size,
    nearest(query: number[], limit: number): VectorHit[] {
      const q = normalize(query);
      const hits: VectorHit[] = [];
      for (const [position, vector] of vectors.entries()) {
        if (!vector || vector.length !== q.length) continue;
        let dot = 0;
        for (let i = 0; i < q.length; i++) dot += (q[i] as number) * (vector[i] as number);
        hits.push({ position, similarity: dot });
      }
      return hits.sort((a, b) => b.similarity - a.similarity).slice(0, limit);
    },
  };
}

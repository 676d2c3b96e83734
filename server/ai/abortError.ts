/** The error a model throws when the caller's signal aborts: the caller tells it apart by `name === 'AbortError'`. */
export function abortError(): DOMException {
  return new DOMException('The answer was stopped', 'AbortError');
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

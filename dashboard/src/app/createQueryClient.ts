import { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../../../contract/ApiError.js';

/** Retries only what may heal by itself (network, 429, 5xx); a 4xx answer will not change on retry. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failures, error) =>
          failures < 2 && (!isApiError(error) || error.status === 0 || error.status === 429 || error.status >= 500),
      },
      mutations: { retry: false },
    },
  });
}

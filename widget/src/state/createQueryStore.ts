import {
  hashKey,
  type Query,
  QueryCache,
  type QueryClient,
  type QueryKey,
  type QueryOptions,
  type Updater,
} from '@tanstack/query-core';

/** The query options every query of the store starts from. */
export type QueryDefaults = Pick<QueryOptions, 'networkMode' | 'retry'> & { staleTime: number };
type FetchOptions<T> = { queryKey: QueryKey; queryFn: () => Promise<T>; staleTime?: number };

/**
 * query-core's QueryCache and Query with the five client calls the widget makes. QueryClient itself would bring the
 * mutation cache, infinite queries and focus/online refetching the widget never uses (about 3 KB on the wire).
 */
export function createQueryStore(defaults: QueryDefaults) {
  const cache = new QueryCache();
  const options = <T>(o: Partial<FetchOptions<T>> & { queryKey: QueryKey }) => ({
    ...defaults,
    ...o,
    queryHash: hashKey(o.queryKey),
    _defaulted: true,
  });
  // All QueryCache.build and Query ask of their client (QueryClient.defaultQueryOptions does the same merge).
  const client = {
    defaultQueryOptions: options,
    getQueryDefaults: () => ({}),
    getQueryCache: () => cache,
  } as unknown as QueryClient;
  const query = <T>(o: Partial<FetchOptions<T>> & { queryKey: QueryKey }) =>
    cache.build(client, options(o) as never) as unknown as Query<T, Error, T>;

  const getQueryData = <T>(queryKey: QueryKey): T | undefined => cache.get<T>(hashKey(queryKey))?.state.data;
  return {
    cache,
    fetchQuery<T>(o: FetchOptions<T>): Promise<T> {
      const q = query(o);
      return q.isStaleByTime(o.staleTime ?? defaults.staleTime)
        ? q.fetch(options(o) as never)
        : Promise.resolve(q.state.data as T);
    },
    getQueryData,
    setQueryData<T>(queryKey: QueryKey, updater: Updater<T | undefined, T | undefined>): void {
      const data =
        typeof updater === 'function' ? (updater as (old: T | undefined) => T | undefined)(getQueryData<T>(queryKey)) : updater;
      if (data !== undefined) query<T>({ queryKey }).setData(data, { manual: true });
    },
    /** Removes every query whose key starts with `queryKey`. */
    removeQueries(queryKey: QueryKey): void {
      for (const q of cache.findAll({ queryKey })) cache.remove(q);
    },
    clear: () => cache.clear(),
  };
}

export type QueryStore = ReturnType<typeof createQueryStore>;

import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { AdminImage, Page } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { type ImageFilters, parseImageFilters, serializeImageFilters } from './imageFilters.js';

export const IMAGE_PAGE_SIZE = 40;

export const getImages = (client: ApiClient, filters: ImageFilters, cursor: string | undefined, signal?: AbortSignal) =>
  client.get<Page<AdminImage>>('images', {
    query: { siteId: filters.siteId, from: filters.from, to: filters.to, limit: IMAGE_PAGE_SIZE, cursor },
    signal,
  });

export const imagesQueryKey = (filters: ImageFilters) => ['images', parseImageFilters(serializeImageFilters(filters))] as const;

export const imagesQueryOptions = (client: ApiClient, filters: ImageFilters) =>
  infiniteQueryOptions({
    queryKey: imagesQueryKey(filters),
    queryFn: ({ pageParam, signal }) => getImages(client, filters, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

/** Uploaded images, newest first, one cursor page at a time. */
export const useImages = (filters: ImageFilters) => useInfiniteQuery(imagesQueryOptions(useApiClient(), filters));

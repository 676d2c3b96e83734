import type { z } from 'zod';
import type { AdminImage, ImageListQuery } from '../../contract/admin.js';
import type { Page } from '../../contract/common.js';
import { MAX_IMAGE_BYTES } from '../../contract/limits.js';
import type { ImageRef, ImageUploadFields } from '../../contract/messages.js';
import type { ModelImage } from '../ai/ChatModel.js';
import type { ConversationRepository } from '../data/conversationRepository.js';
import { decodeCursor } from '../data/cursor.js';
import type { ImageRecord, ImageRepository } from '../data/imageRepository.js';
import type { ImageStorage, StoredImage } from '../images/ImageStorage.js';
import type { UploadedFile } from '../images/readUpload.js';
import { receiveImage } from '../images/receiveImage.js';
import { AppError } from '../lib/AppError.js';
import { ownConversation } from './conversationAccess.js';
import type { VisitorIdentity } from './visitorTokens.js';

export interface ImageServiceDeps {
  images: ImageRepository;
  storage: ImageStorage;
  conversations: ConversationRepository;
  /** Reads stored bytes back (for the model). */
  read: (stored: StoredImage) => Promise<Buffer>;
  toModelImage: (data: Buffer) => Promise<ModelImage>;
  maxUploadBytes?: number;
  /** Total stored bytes a tenant may keep. */
  tenantQuotaBytes?: number;
  /** Uploads a site may have waiting unattached to a message: one site cannot fill the tenant's quota with them. */
  unattachedImagesPerSite?: { count: number; bytes: number };
  /** How long an upload may wait unattached before the sweep removes it. */
  orphanGraceMs?: number;
  now?: () => Date;
}

const stored = (image: Pick<ImageRecord, 'storage' | 'key' | 'url' | 'providerFileId'>): StoredImage => ({
  storage: image.storage,
  key: image.key,
  url: image.url,
  ...(image.providerFileId ? { providerFileId: image.providerFileId } : {}),
});

/** Uploads a site may have waiting unattached to a message (an image is attached within seconds when sent). */
export const UNATTACHED_IMAGES_PER_SITE = { count: 200, bytes: 200 * 1024 ** 2 };
/** Unattached uploads are removed after this. */
export const ORPHAN_GRACE_MS = 3600_000;

/** Uploads (validated and re-encoded before anything is stored), the admin gallery, and cleanup. */
export function imageService(deps: ImageServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const quota = deps.tenantQuotaBytes ?? 5 * 1024 ** 3;
  const pendingCap = deps.unattachedImagesPerSite ?? UNATTACHED_IMAGES_PER_SITE;
  const orphanGraceMs = deps.orphanGraceMs ?? ORPHAN_GRACE_MS;

  return {
    /** The largest upload accepted: the route reads the multipart body with this limit. */
    maxUploadBytes: deps.maxUploadBytes ?? MAX_IMAGE_BYTES,

    urls: (image: Pick<ImageRecord, 'storage' | 'key' | 'url'>) => deps.storage.urls(stored({ ...image, providerFileId: null })),

    /**
     * Stores a visitor's upload, already read from the request (`readUpload`), once it is a valid image in quota;
     * `fields` are the form's text fields, parsed at the edge.
     */
    async upload(visitor: VisitorIdentity, upload: UploadedFile, fields: ImageUploadFields): Promise<ImageRef> {
      let conversationId: string | null = null;
      const received = await receiveImage(upload, {
        storage: deps.storage,
        tags: [visitor.siteId],
        accept: async (image) => {
          if (fields.conversationId) {
            conversationId = (await ownConversation(deps.conversations, visitor, fields.conversationId)).id;
          }
          const waiting = await deps.images.unattachedForSite(visitor.tenantId, visitor.siteId);
          if (waiting.count + 1 > pendingCap.count || waiting.bytes + image.bytes > pendingCap.bytes)
            throw new AppError(429, 'too_many_pending_images', 'Too many images on this site wait to be sent; try again later', {
              retryAfterSeconds: 60,
            });
          if ((await deps.images.bytesForTenant(visitor.tenantId)) + image.bytes > quota)
            throw new AppError(413, 'quota_exceeded', 'This site has used all of its image storage');
        },
      });
      const record = await deps.images.create({
        tenantId: visitor.tenantId,
        siteId: visitor.siteId,
        visitorId: visitor.visitorId,
        conversationId,
        messageId: null,
        storage: received.stored.storage,
        key: received.stored.key,
        providerFileId: received.stored.providerFileId ?? null,
        url: received.stored.url,
        mimeType: received.mimeType,
        width: received.width,
        height: received.height,
        bytes: received.bytes,
        sha256: received.sha256,
        // Never kept so far (the route passed none); storing `upload.filename` would be a change of its own.
        originalName: null,
        createdAt: now(),
      });
      return { id: record.id, ...received.urls, width: record.width, height: record.height, mimeType: record.mimeType };
    },

    async listForAdmin(tenantId: string, query: z.output<typeof ImageListQuery>): Promise<Page<AdminImage>> {
      const page = await deps.images.list(
        {
          tenantId,
          siteId: query.siteId,
          from: query.from,
          to: query.to,
        },
        query.limit,
        decodeCursor(query.cursor),
      );
      return {
        items: page.items.map((image) => ({
          id: image.id,
          ...deps.storage.urls(stored(image)),
          width: image.width,
          height: image.height,
          mimeType: image.mimeType,
          siteId: image.siteId,
          conversationId: image.conversationId,
          bytes: image.bytes,
          createdAt: image.createdAt.toISOString(),
        })),
        nextCursor: page.nextCursor,
      };
    },

    async loadModelImage(image: Pick<ImageRecord, 'storage' | 'key' | 'url'>): Promise<ModelImage> {
      return deps.toModelImage(await deps.read(stored({ ...image, providerFileId: null })));
    },

    deleteFile: (image: Pick<ImageRecord, 'storage' | 'key' | 'url' | 'providerFileId'>) => deps.storage.delete(stored(image)),

    /** Removes uploads never attached to a message within `graceMs` (files, then records). */
    async sweepOrphans(graceMs = orphanGraceMs): Promise<number> {
      const orphans = await deps.images.unattachedBefore(new Date(now().getTime() - graceMs));
      for (const image of orphans) {
        await deps.storage.delete(stored(image));
        await deps.images.delete(image.id);
      }
      return orphans.length;
    },
  };
}
export type ImageService = ReturnType<typeof imageService>;

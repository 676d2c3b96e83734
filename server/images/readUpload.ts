import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { MAX_IMAGE_BYTES } from '../../contract/limits.js';
import { AppError } from '../lib/AppError.js';

export interface UploadedFile {
  /** The whole file, at most `maxBytes` long and never empty. */
  buffer: Buffer;
  /** As sent by the client: informational only, never trusted. */
  filename: string;
  /** The part's Content-Type as sent by the client: informational only, never trusted. */
  declaredType: string;
  /** The text fields that came with the file (e.g. `conversationId`). */
  fields: Record<string, string>;
}

export interface ReadUploadOptions {
  /** Hard limit on the file's bytes, enforced while streaming. Default `MAX_IMAGE_BYTES`. */
  maxBytes?: number;
  /** The multipart field the file must come in. Default `file`. */
  fieldName?: string;
  /** What the file is, in error messages. Default `image`. */
  what?: string;
}

const MAX_FIELDS = 8;
const MAX_FIELD_BYTES = 1024;

/**
 * Reads one file from a `multipart/form-data` request without ever holding more than `maxBytes`:
 * the first violation rejects at once and the rest of the body is discarded unread.
 */
export function readUpload(req: IncomingMessage, options: ReadUploadOptions = {}): Promise<UploadedFile> {
  const maxBytes = options.maxBytes ?? MAX_IMAGE_BYTES;
  const fieldName = options.fieldName ?? 'file';
  const what = options.what ?? 'image';

  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType))
    return Promise.reject(
      new AppError(415, 'unsupported_media_type', `Send the ${what} as multipart/form-data in the field "${fieldName}"`),
    );

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // busboy signals `limit` on reaching fileSize, so allow one byte more to accept a file of exactly maxBytes.
      limits: { files: 1, fileSize: maxBytes + 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, parts: MAX_FIELDS + 1 },
    });
  } catch (error) {
    // busboy throws on a multipart type without a boundary.
    return Promise.reject(new AppError(400, 'malformed_multipart', 'The multipart body is malformed', { cause: error }));
  }

  return new Promise<UploadedFile>((resolve, reject) => {
    let settled = false;
    let file: { chunks: Buffer[]; bytes: number; filename: string; declaredType: string; done: boolean } | undefined;
    const fields: Record<string, string> = {};

    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      // Stop parsing and let the remaining bytes drain into nothing (keeps the connection usable for the answer).
      req.unpipe(parser);
      parser.removeAllListeners();
      parser.on('error', () => {});
      req.resume();
      if (file) file.chunks = [];
      reject(error);
    };

    parser.on('file', (name, stream, info) => {
      if (name !== fieldName) {
        stream.resume();
        fail(new AppError(400, 'unexpected_field', `The file must be sent in the field "${fieldName}"`));
        return;
      }
      const current = {
        chunks: [] as Buffer[],
        bytes: 0,
        filename: info.filename ?? '',
        declaredType: info.mimeType,
        done: false,
      };
      file = current;
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        current.chunks.push(chunk);
        current.bytes += chunk.length;
      });
      stream.on('limit', () =>
        fail(new AppError(413, 'payload_too_large', `The ${what} is larger than ${Math.floor(maxBytes / (1024 * 1024))} MB`)),
      );
      stream.on('end', () => {
        current.done = true;
      });
      stream.on('error', (error) =>
        fail(new AppError(400, 'malformed_multipart', 'The multipart body is malformed', { cause: error })),
      );
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) {
        fail(new AppError(400, 'field_too_large', `The field "${name}" is too long`));
        return;
      }
      fields[name] = value;
    });
    parser.on('filesLimit', () => fail(new AppError(400, 'too_many_files', 'Send exactly one file per request')));
    parser.on('fieldsLimit', () => fail(new AppError(400, 'too_many_fields', 'Too many form fields')));
    parser.on('partsLimit', () => fail(new AppError(400, 'too_many_fields', 'Too many form fields')));
    parser.on('error', (error) =>
      fail(new AppError(400, 'malformed_multipart', 'The multipart body is malformed', { cause: error })),
    );
    parser.on('close', () => {
      if (settled) return;
      if (!file) return fail(new AppError(400, 'missing_file', `No file in the field "${fieldName}"`));
      if (!file.done) return fail(new AppError(400, 'malformed_multipart', 'The multipart body is malformed'));
      if (file.bytes === 0) return fail(new AppError(400, 'empty_file', 'The file is empty'));
      settled = true;
      resolve({
        buffer: Buffer.concat(file.chunks, file.bytes),
        filename: file.filename,
        declaredType: file.declaredType,
        fields,
      });
    });
    req.on('error', (error) => fail(new AppError(400, 'upload_aborted', 'The upload was interrupted', { cause: error })));
    req.on('close', () => {
      if (!req.complete) fail(new AppError(400, 'upload_aborted', 'The upload was interrupted'));
    });
    req.pipe(parser);
  });
}

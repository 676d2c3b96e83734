import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';

/** One documented operation: the OpenAPI document, the multipart allowance check and the reliability suites read these. */
export type RouteDoc = {
  method: RouteConfig['method'];
  path: string;
  auth: 'none' | 'visitor' | 'admin';
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response?: z.ZodType;
  status?: number;
  stream?: boolean;
  /** What a stream's events are (the send stream's by default). */
  events?: string;
  multipart?: boolean;
  /** The text fields sent with a multipart `file` (the image upload's by default). */
  multipartFields?: z.ZodObject;
  /** A file download: its media types (the JSON one with `response` as its schema). */
  files?: string[];
};

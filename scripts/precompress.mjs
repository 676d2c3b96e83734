// Rollup plugin: writes a `.br` (brotli, maximum quality) and a `.gz` (gzip -9) sibling beside every text file a build
// outputs, so the server sends compressed bytes without compressing on each request (server/http/precompressed.ts).
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/** Text formats only: images and fonts are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json)$/;
const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

export function precompress() {
  return {
    name: 'precompress',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? dirname(options.file);
      const files = Object.keys(bundle).filter((fileName) => COMPRESSIBLE.test(fileName));
      // zlib's async calls run on libuv's thread pool: the files compress in parallel.
      await Promise.all(
        files.map(async (fileName) => {
          const path = join(dir, fileName);
          const source = await readFile(path);
          const params = {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
          };
          const [br, gzipped] = await Promise.all([brotli(source, { params }), gz(source, { level: 9 })]);
          await Promise.all([writeFile(`${path}.br`, br), writeFile(`${path}.gz`, gzipped)]);
        }),
      );
    },
  };
}

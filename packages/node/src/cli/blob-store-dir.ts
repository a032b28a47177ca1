import { join } from 'node:path';

/** Where `seal` writes and `open` reads blobs unless told otherwise: `$MEDVAULT_DATA_DIR/blobs`, else `.medvault/blobs`. */
export function defaultBlobDir(): string {
  return join(process.env.MEDVAULT_DATA_DIR ?? '.medvault', 'blobs');
}

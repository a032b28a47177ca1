import { startBlobService } from '../blob-service/server.js';
import { serveCommand } from './serve-command.js';

/** `medvault blob-service --port P --data-dir DIR [--host H]`: serve sealed blobs until SIGINT/SIGTERM. */
export function blobService(args: string[]): Promise<void> {
  return serveCommand('blob-service', args, startBlobService);
}

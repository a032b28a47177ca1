import { startLedgerHost } from '../ledger-host/server.js';
import { serveCommand } from './serve-command.js';

/** `medvault ledger-host --port P --data-dir DIR [--host H]`: serve ledgers until SIGINT/SIGTERM. */
export function ledgerHost(args: string[]): Promise<void> {
  return serveCommand('ledger-host', args, startLedgerHost);
}

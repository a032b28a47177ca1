import { type DBSchema, type IDBPDatabase, type OpenDBCallbacks, openDB } from 'idb';

/**
 * Opens an IndexedDB database with `idb`, through `factory` when given (a
 * second browser profile, fake-indexeddb in Node tests) instead of the
 * global `indexedDB`.
 */
export async function openDatabase<Schema extends DBSchema>(
  name: string,
  version: number,
  callbacks: OpenDBCallbacks<Schema>,
  factory?: IDBFactory,
): Promise<IDBPDatabase<Schema>> {
  const previous = globalThis.indexedDB;
  // idb opens through the global factory; swap it only for the call
  if (factory) (globalThis as { indexedDB: IDBFactory }).indexedDB = factory;
  try {
    return await openDB<Schema>(name, version, callbacks);
  } finally {
    if (factory) (globalThis as { indexedDB: IDBFactory | undefined }).indexedDB = previous;
  }
}

/**
 * Test helper run as a child process: writes a deterministic blob of N MiB
 * to an FsStore slowly, printing "block" after each block file lands, so the
 * parent can kill it mid-write.
 */
import { FsStore } from './fs-store.js';

const [dir, mib] = process.argv.slice(2);
const store = await FsStore.open(dir as string);
async function* slowly() {
  for (let i = 0; i < Number(mib); i++) {
    const chunk = new Uint8Array(1024 * 1024).fill(i & 255);
    chunk[0] = i >> 8;
    yield chunk;
    process.stdout.write('chunk\n');
    await new Promise((r) => setTimeout(r, 20));
  }
}
const cid = await store.put(slowly());
process.stdout.write(`done ${cid}\n`);

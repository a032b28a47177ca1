#!/usr/bin/env -S node --max-semi-space-size=1
/**
 * The published `medvault` executable (built to dist/bin.js).
 *
 * `seal` and `open` stream gigabytes through short-lived 1 MiB and 64 KiB
 * buffers whose memory V8 frees only when their small JS wrappers are
 * collected: a 1 MiB young generation (the shebang's flag) collects them
 * often, which keeps a 1 GiB seal or open under 100 MiB of RSS (about 125
 * and 140 MiB with the default).
 */
import { main } from './main.js';

// Block files are written and fsync'ed in libuv's thread pool, beside the
// file reads: more threads than the default 4 keep a seal's reads from
// queueing behind the disk. The pool starts on first use, after this line
// (loading modules does not use it).
process.env.UV_THREADPOOL_SIZE ??= '16';

process.exitCode = await main(process.argv.slice(2));

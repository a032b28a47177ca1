#!/usr/bin/env node
/** The published `medvault` executable (built to dist/bin.js). */
import { main } from './main.js';

// Block files are written and fsync'ed in libuv's thread pool, beside the
// file reads: more threads than the default 4 keep a seal's reads from
// queueing behind the disk. The pool starts on first use, after this line
// (loading modules does not use it).
process.env.UV_THREADPOOL_SIZE ??= '16';

process.exitCode = await main(process.argv.slice(2));

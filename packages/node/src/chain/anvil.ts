/**
 * A real local EVM node: anvil, from the `@foundry-rs/anvil` npm package
 * (its platform package ships the binary; nothing is downloaded). Listens on
 * 127.0.0.1 only; `stateFile` keeps the chain across restarts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CliError } from '../cli/cli-error.js';

const require = createRequire(import.meta.url);

/** Path of the anvil binary for this platform. */
export function anvilBinary(): string {
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string];
  const platform = { linux: 'linux', darwin: 'darwin', win32: 'win32' }[process.platform as string];
  if (!arch || !platform)
    throw new CliError(
      `anvil has no build for ${process.platform}/${process.arch}; run your own EVM node and pass --rpc`,
    );
  let pkg: string;
  try {
    pkg = require.resolve(`@foundry-rs/anvil-${platform}-${arch}/package.json`);
  } catch {
    throw new CliError(
      'a local chain needs anvil, an optional package of @medvault/node: npm install @foundry-rs/anvil',
    );
  }
  return join(dirname(pkg), 'bin', platform === 'win32' ? 'anvil.exe' : 'anvil');
}

/** A running node. */
export type RunningAnvil = { rpcUrl: string; process: ChildProcess; stop(): Promise<void> };

/** Starts anvil on 127.0.0.1 (`port` 0: a free one) and resolves when it listens. */
export async function startAnvil(
  options: { port?: number; stateFile?: string } = {},
): Promise<RunningAnvil> {
  const args = ['--host', '127.0.0.1', '--port', String(options.port ?? 0), '--hardfork', 'cancun'];
  if (options.stateFile) args.push('--state', options.stateFile, '--state-interval', '1');
  const child = spawn(anvilBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const rpcUrl = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const m = output.match(/Listening on (127\.0\.0\.1:\d+)/);
      if (m) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(`http://${m[1]}`);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d) => {
      output += d;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`anvil exited with code ${code}: ${output.slice(-500)}`)),
    );
  });
  return {
    rpcUrl,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM'); // anvil writes its state file on SIGTERM
      await exited;
    },
  };
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealRecordBytes } from '@medvault/core/envelope';
import { SecretKey } from '@medvault/core/pre';
import { HttpStore } from '@medvault/core/storage';
import { afterAll, describe, expect, test } from 'vitest';
import { writeKeyFile } from './key-file.js';
import { medvault, medvaultBinary, spawnService } from './run-cli.js';

let dir: string;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('medvault blob-service', () => {
  test('serves what a browser would upload; `medvault open` reads it from the same directory', async () => {
    dir = await mkdtemp(join(tmpdir(), 'medvault-blob-cli-'));
    const service = await spawnService([
      'blob-service',
      '--port',
      '0',
      '--data-dir',
      join(dir, 'blobs'),
    ]);
    try {
      const patient = SecretKey.random();
      await writeKeyFile(join(dir, 'patient.key'), patient);
      const text = new TextEncoder().encode('{"resourceType":"Observation","status":"final"}');
      const sealed = await sealRecordBytes(patient.publicKey(), text, {
        contentType: 'application/fhir+json',
      });
      const cid = await new HttpStore({ gateway: service.match[1] as string }).put(sealed.bytes);
      const opened = await medvaultBinary(
        'open',
        cid.toString(),
        '--key',
        join(dir, 'patient.key'),
        '--store',
        join(dir, 'blobs'),
      );
      expect(opened.code).toBe(0);
      expect(opened.stdout.toString()).toBe(new TextDecoder().decode(text));
    } finally {
      await service.stop();
    }
    expect(service.proc.exitCode).toBe(0);
  });

  test('bad arguments are one usage line and exit 2', async () => {
    await writeFile(join(dir, 'x'), '');
    const result = await medvault('blob-service', '--port', 'nine');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^medvault: usage: medvault blob-service --port P --data-dir DIR/,
    );
  });
});

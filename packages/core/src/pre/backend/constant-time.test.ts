/**
 * Runs the constant-time evidence script (scripts/ct-check.mjs) on the
 * committed module when its tools are installed (Debian `wabt`, `valgrind`,
 * `gcc`): no branch and no memory address may depend on a secret scalar,
 * and each select with a secret condition must be a conditional move in
 * this Node's V8. Skipped, saying which packages are missing, otherwise.
 */
import { describe, expect, test } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import * as script from '../../../scripts/ct-check.mjs';

type CtScript = {
  missingTools(): string[];
  ctCheck(): {
    errors: number;
    findings: unknown[];
    sameResults: boolean;
    secretSelects: number;
    engine: { function: number; selects: number; liftoffCmovs: number; turbofanCmovs: number }[];
  };
  passed(result: unknown): boolean;
};
const { ctCheck, missingTools, passed } = script as CtScript;

const missing = missingTools();
const skip = missing.length > 0 ? `missing: apt-get install -y ${missing.join(' ')}` : undefined;

describe('constant-time evidence for the WASM module', () => {
  test.skipIf(skip !== undefined)(
    `no secret-dependent branch or address; secret selects are cmov${skip ? ` — skipped: ${skip}` : ''}`,
    () => {
      const result = ctCheck();
      expect(result.findings).toEqual([]);
      expect(result.errors).toBe(0);
      expect(result.sameResults).toBe(true);
      expect(result.secretSelects).toBeGreaterThan(0); // the harness did reach the secret paths
      for (const f of result.engine) {
        expect(f.liftoffCmovs).toBeGreaterThanOrEqual(f.selects);
        expect(f.turbofanCmovs).toBeGreaterThanOrEqual(f.selects);
      }
      expect(passed(result)).toBe(true);
    },
    300_000,
  );
});

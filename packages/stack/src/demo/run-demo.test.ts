import { describe, expect, test } from 'vitest';
import { runDemo } from './run-demo.js';

describe('npm run demo', () => {
  test('tells the whole story against a real stack, every step verified', async () => {
    const lines: string[] = [];
    const summary = await runDemo({ print: (line) => lines.push(line) });
    const steps = lines.filter((l) => l.startsWith('  ✓'));
    expect(steps.map((s) => s.slice(4, 40))).toHaveLength(10);
    expect(lines.join('\n')).toMatch(/the patient endorsed each one/);
    expect(lines.join('\n')).toMatch(/a stranger proposed a fake lab result/);
    expect(lines.join('\n')).toMatch(/signed in and read \d+ lab records through the proxies/);
    expect(lines.join('\n')).toMatch(/without a staff session is refused — CLINIC_NOT_SIGNED_IN/);
    expect(lines.join('\n')).toMatch(/stopped: the clinic still read/);
    expect(lines.join('\n')).toMatch(/the clinic is refused — PROXY_/);
    expect(lines.join('\n')).toMatch(/the ledger verifies against the chain/);
    expect(lines.join('\n')).toMatch(/SMART Health Link .+ to a clinic that runs no MedVault/);
    expect(summary.labs).toBeGreaterThan(0);
    expect(summary.labs).toBeLessThan(summary.records);
    // two reads by 2 proxies each, at least
    expect(summary.accesses).toBeGreaterThanOrEqual(4);
  }, 120_000);
});

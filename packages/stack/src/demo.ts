/** `npm run demo`: the whole MedVault story headless (see demo/run-demo.ts). */
import { runDemo } from './demo/run-demo.js';

try {
  await runDemo();
} catch (error) {
  console.error(
    `\n✗ ${(error as Error).message}${(error as { code?: string }).code ? ` [${(error as { code?: string }).code}]` : ''}`,
  );
  process.exitCode = 1;
}

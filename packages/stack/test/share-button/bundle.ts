/**
 * Test support: the share button and a React app bundled with esbuild,
 * straight from the sources (the repository's tsconfig paths map
 * `@medvault/core/*` to them), as a site would serve them.
 */
import { build } from 'esbuild';

/**
 * Bundles `@medvault/core/share-button` into one ES module at `outFile`
 * (what `dist/medvault-share-button.js` is: bundled, no splitting) and
 * checks that it imports nothing, so one script tag is all a page needs.
 *
 * @example
 * ```ts
 * await buildShareButtonBundle(join(siteDir, 'medvault-share-button.js'));
 * ```
 */
export async function buildShareButtonBundle(outFile: string): Promise<void> {
  const result = await build({
    stdin: {
      contents: "export * from '@medvault/core/share-button';",
      loader: 'ts',
      resolveDir: import.meta.dirname,
      sourcefile: 'medvault-share-button.ts',
    },
    outfile: outFile,
    bundle: true,
    format: 'esm',
    splitting: false,
    platform: 'browser',
    target: 'es2022',
    minify: true,
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.values(result.metafile.outputs);
  const imports = outputs.flatMap((o) => o.imports);
  if (imports.length > 0) {
    throw new Error(`the share button bundle imports ${imports.map((i) => i.path).join(', ')}`);
  }
}

/**
 * Bundles a React app given as TSX source (React 19 from the workspace, the
 * share button from the sources) into one ES module at `outFile`.
 * `define` replaces identifiers with JSON values (e.g. the reader's key).
 *
 * @example
 * ```ts
 * await buildReactApp(REACT_APP_TSX, join(siteDir, 'react-app.js'), { READER_KEY: key });
 * ```
 */
export async function buildReactApp(
  source: string,
  outFile: string,
  define: Record<string, unknown> = {},
): Promise<void> {
  await build({
    stdin: {
      contents: source,
      loader: 'tsx',
      resolveDir: import.meta.dirname,
      sourcefile: 'react-app.tsx',
    },
    outfile: outFile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    // React's development build: its warnings about props reach the console
    define: {
      'process.env.NODE_ENV': '"development"',
      ...Object.fromEntries(Object.entries(define).map(([k, v]) => [k, JSON.stringify(v)])),
    },
    logLevel: 'warning',
  });
}

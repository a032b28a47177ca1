/**
 * Test support: a small React 19 app around the share button, as TSX
 * source, and a type check of it. The source is a string because the
 * repository's tsconfig has no `jsx` setting: the check compiles it with
 * one, at the path it would have beside this file, so `react` and
 * `@medvault/core/share-button` resolve as they would for a real app.
 */
import { join } from 'node:path';
import ts from 'typescript';

/**
 * The app: the element with properties (`readerKey`, `scope` as an
 * object, `expiresInDays`) and attributes (`reader-name`), React 19's
 * `onmedvault-…` listeners, and React state that shows what happened.
 * `READER_KEY` is defined at bundle time.
 */
export const REACT_APP_TSX = `
import { type DetailedHTMLProps, type HTMLAttributes, StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import '@medvault/core/share-button';
import type { ShareButton, ShareButtonProps } from '@medvault/core/share-button';

declare const READER_KEY: string;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'medvault-share-button': DetailedHTMLProps<HTMLAttributes<ShareButton>, ShareButton> &
        ShareButtonProps;
    }
  }
}

function App() {
  const [result, setResult] = useState('Nothing shared yet.');
  const [shares, setShares] = useState(0);
  return (
    <main className="card">
      <p className="eyebrow">Riverside Clinic · React</p>
      <h1>Share your lab results</h1>
      <p>Dr. Okafor reviews them before your follow-up.</p>
      <medvault-share-button
        readerKey={READER_KEY}
        reader-name="Riverside Clinic — Dr. Okafor"
        scope={{ categories: ['laboratory'] }}
        purpose="Diabetes follow-up (React)"
        expiresInDays={30}
        label="Share my lab results"
        onmedvault-granted={(event) => {
          setShares((n) => n + 1);
          setResult('Granted: ' + event.detail.grant.grantId);
        }}
        onmedvault-denied={(event) => setResult('Denied (' + event.detail.code + ')')}
        onmedvault-error={(event) => setResult('Error: ' + event.detail.message)}
      />
      <p id="result" data-shares={shares}>{result}</p>
    </main>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
`;

/**
 * Type-checks `source` as a .tsx module beside this file (with the
 * repository's compiler options plus `jsx: react-jsx`); returns the
 * diagnostics as text, empty when it checks.
 *
 * @example
 * ```ts
 * expect(typecheckTsx(REACT_APP_TSX)).toEqual([]);
 * ```
 */
export function typecheckTsx(source: string): string[] {
  const root = join(import.meta.dirname, '../../../..');
  const configPath = join(root, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {},
    },
  );
  if (!config) throw new Error('cannot read tsconfig.json');
  const file = join(import.meta.dirname, 'react-app.tsx');
  const options = { ...config.options, jsx: ts.JsxEmit.ReactJSX, noEmit: true };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? source : readFile.call(host, name));
  host.getSourceFile = (name, language, ...rest) =>
    name === file
      ? ts.createSourceFile(name, source, language, true, ts.ScriptKind.TSX)
      : getSourceFile.call(host, name, language, ...rest);
  const program = ts.createProgram([file], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

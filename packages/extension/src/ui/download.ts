/** Saving what the patient opened to a file of her choice (the browser's download). */

/**
 * A file name from a record's title: letters, digits and dashes, at most
 * 60 characters, then `.ext`.
 *
 * @example
 * ```ts
 * fileName('HbA1c, 12 March', 'json'); // 'hba1c-12-march.json'
 * ```
 */
export function fileName(title: string, ext: string): string {
  const stem = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${stem || 'record'}.${ext}`;
}

/**
 * Starts a download of `bytes` as `name` (a blob URL, revoked once used).
 *
 * @example
 * ```ts
 * downloadBytes(new TextEncoder().encode(json), 'application/fhir+json', 'records.json');
 * ```
 */
export function downloadBytes(bytes: Uint8Array | string, type: string, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

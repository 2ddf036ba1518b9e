import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared media fixtures beside the repository, used in place (never copied in). */
export const FIXTURES = fileURLToPath(
  new URL('../../../../../shared/fixtures/media/', import.meta.url),
);

export const fixture = (path: string): string => join(FIXTURES, path);

/** MANIFEST.tsv (ground truth read with exiftool): one map of column → cell per fixture. */
export function readManifest(): ReadonlyMap<string, string>[] {
  const [header = '', ...lines] = readFileSync(fixture('MANIFEST.tsv'), 'utf8')
    .trimEnd()
    .split('\n');
  const columns = header.split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    return new Map(columns.map((column, i) => [column, cells[i] ?? '']));
  });
}

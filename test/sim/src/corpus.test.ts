import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSeed } from './run-seed.js';

interface Corpus {
  readonly seeds: readonly { readonly seed: number; readonly found: string }[];
}

const corpus = JSON.parse(
  readFileSync(new URL('../corpus/regressions.json', import.meta.url), 'utf8'),
) as Corpus;

describe('regression corpus: seeds that once found a bug stay clean', () => {
  for (const { seed, found } of corpus.seeds) {
    it(`seed ${seed}: ${found}`, () => {
      expect(runSeed({ seed }).violations).toEqual([]);
    });
  }
});

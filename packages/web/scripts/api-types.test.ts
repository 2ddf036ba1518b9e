import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { API_TYPES_FILE, apiTypesSource } from './api-types-source.js';

it("keeps the web app's API types in step with the server's routes", async () => {
  const committed = readFileSync(API_TYPES_FILE, 'utf8');
  // On a difference: run `npm run api-types -w @keepsake/web` and commit the result.
  expect(committed).toBe(await apiTypesSource());
});

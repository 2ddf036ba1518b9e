import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/*/src/**/*.test.ts', 'bench/src/**/*.test.ts'],
    testTimeout: 120_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/web/scripts/**/*.test.ts',
      'test/*/src/**/*.test.ts',
      'bench/src/**/*.test.ts',
    ],
    globalSetup: ['packages/web/scripts/build-for-tests.ts'],
    testTimeout: 120_000,
  },
});

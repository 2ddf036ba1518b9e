// One linter for the whole workspace. Type-aware rules catch floating promises and `any`;
// the import restrictions enforce the dependency rule of docs/ARCHITECTURE.md.
import tseslint from 'typescript-eslint';

const noReachingIntoPackages = {
  group: ['../../*/src/*', '../../../packages/*', '**/packages/*/src/*'],
  message: 'Import another package by its name (@keepsake/...), never by a relative path into it.',
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'test/sim/corpus/**',
      'packages/web/dist/**',
      'packages/web/src/api/openapi.d.ts',
    ],
  },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // `const { dropped: _dropped, ...rest } = x` is how a key is left out immutably.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { ignoreRestSiblings: true, argsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': [
        'error',
        { allowConstantLoopConditions: true },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noReachingIntoPackages,
            {
              group: ['@keepsake/cli', '@keepsake/web'],
              message: 'Nothing imports the cli or the web app.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/core/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noReachingIntoPackages,
            {
              group: ['node:*', '@keepsake/*'],
              message: 'core is pure: no Node APIs, no other Keepsake package.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['*.js', '*.ts', 'packages/*/bin/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);

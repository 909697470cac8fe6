// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

/** Feature slices: each may use another only through its module, service, DTOs and events. */
const SLICES = ['auth', 'users', 'products', 'orders', 'audit', 'feature-flags'];

const sliceInternals = SLICES.flatMap((slice) => [
  `**/${slice}/*.repository.js`,
  `**/${slice}/*.entity.js`,
  `**/${slice}/*.controller.js`,
  `**/${slice}/handlers/**`,
]);

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.data/**', 'schematics/**/files/**', '*.config.js', '*.config.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 50, skipBlankLines: true, skipComments: true }],
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      // HttpStatus is a numeric enum compared with plain status numbers everywhere; the rule only adds casts.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
    },
  },
  {
    // Slice boundaries: another slice's repository, entity, controller or handlers are private.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: sliceInternals.map((pattern) => `../${pattern}`).concat(sliceInternals.map((pattern) => `../../${pattern}`)),
              message: 'Use the other slice through its service, DTOs or events, not its internals.',
            },
          ],
        },
      ],
    },
  },
  {
    // common/ and platform/ are below the slices: they may not depend on any of them.
    files: ['src/common/**/*.ts', 'src/platform/**/*.ts', 'src/config/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: SLICES.flatMap((slice) => [`../${slice}/**`, `../../${slice}/**`, `../../../${slice}/**`]),
              message: 'common/, platform/ and config/ must not depend on a feature slice.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'max-lines-per-function': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Response bodies are untyped JSON; asserting on them is the point of these files.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // `async () => value` is the clearest way to write a stub loader in a test.
      '@typescript-eslint/require-await': 'off',
      'no-console': 'off',
    },
  },
);

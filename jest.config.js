/**
 * Two projects: unit specs next to the code (src/**\/*.spec.ts) and end-to-end suites that boot
 * the app over HTTP (test/**\/*.e2e-spec.ts).
 *
 * Nest 12 and a few other dependencies ship only ES modules, while others (e.g.
 * @nestjs/throttler) are CommonJS that require() them. Node runs that mix natively
 * (require(esm)), but Jest's module loader cannot, so in tests those ES modules (and dynamic
 * import() calls) are compiled to CommonJS by Babel, and every module is loaded once, through
 * Jest's CommonJS loader. See docs/decisions/0002-commonjs-and-jest.md.
 */
/** Packages that ship ES modules only, or CommonJS that loads code with dynamic import(). */
const TRANSFORMED_PACKAGES = [
  '@nestjs',
  '@apidevtools',
  '@electric-sql',
  'cockatiel',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
];

const shared = {
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'wasm', 'data'],
  transform: {
    // SWC with the settings of .swcrc (the ones `nest build` compiles with); type-checking is `npm run typecheck`.
    '^.+\\.ts$': '@swc/jest',
    '^.+\\.[mc]?js$': [
      'babel-jest',
      {
        plugins: [
          require.resolve('./test/support/babel-drop-create-require.cjs'),
          'babel-plugin-transform-import-meta',
          '@babel/plugin-transform-dynamic-import',
          '@babel/plugin-transform-modules-commonjs',
        ],
        babelrc: false,
        configFile: false,
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${TRANSFORMED_PACKAGES.join('|')})/)`],
  // Log lines of passing tests are kept out of the output; a failing test prints its own.
  testEnvironment: '<rootDir>/test/support/captured-logs.environment.cjs',
  setupFiles: ['<rootDir>/test/support/capture-logs.ts'],
};

const e2e = {
  ...shared,
  rootDir: '.',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: [...shared.setupFiles, '<rootDir>/test/support/setup-env.ts'],
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...e2e,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/test/process/'],
    },
    // Suites that run the built app as separate processes (start-up, several replicas, faults).
    // `npm test` runs them on their own, one at a time, so their timings are not skewed by other suites.
    { ...e2e, displayName: 'process', testMatch: ['<rootDir>/test/process/**/*.e2e-spec.ts'] },
  ],
  maxWorkers: 2,
  testTimeout: 30_000,
  collectCoverageFrom: ['src/**/*.ts', '!src/main.ts', '!src/**/index.ts', '!src/migrations/**'],
};

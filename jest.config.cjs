// Jest runs on the Node 24 binary that the `node` devDependency puts first on npm's PATH.
// @swc/jest transforms TypeScript (TypeScript 7 has no JS compiler API for ts-jest); `tsc --noEmit`
// type-checks separately in `npm test`.
const transform = {
  '^.+\\.(t|j)sx?$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    },
  ],
};

const common = {
  transform,
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/jest-env.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};

module.exports = {
  // Integration suites start real servers; on a loaded 2-core CI machine a hook or test can need more
  // than Jest's 5 s default without anything being wrong. Speed is measured by `npm run bench`, not here.
  testTimeout: 20_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      // Unit tests open no socket: a server or connection there fails loudly (see the file).
      setupFilesAfterEnv: ['<rootDir>/test/support/no-network.ts'],
    },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
  ],
};

// Two suites: `unit` runs with no external tool and must stay fast;
// `integration` drives the real OpenTofu, provider, PostgreSQL, MinIO, sops, age.
// TypeScript is transpiled by esbuild (type checking is `npm run typecheck`).
const transform = { '^.+\\.ts$': '<rootDir>/scripts/jest-esbuild.js' };
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
      slowTestThreshold: 120,
    },
  ],
};

import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude],
    // DynamoDB Local and the SQS/SNS emulator, started once for the whole run and stopped after it.
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Every suite is counted: nothing may be skipped or left as a todo on a green run.
    allowOnly: false,
    passWithNoTests: false,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});

import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['server/**/*.test.ts', 'contract/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['server/test/globalSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          env: { CLERK_TELEMETRY_DISABLED: '1' },
        },
      },
      {
        extends: true,
        oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
        resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
        test: {
          name: 'widget',
          include: ['widget/**/*.test.{ts,tsx}'],
          exclude: [...configDefaults.exclude, 'widget/src/react/**'],
          environment: 'happy-dom',
        },
      },
      {
        extends: true,
        // The React binding against real React (no preact/compat alias); the widget modules behind it keep Preact's JSX.
        oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
        test: { name: 'react', include: ['widget/src/react/**/*.test.ts'], environment: 'happy-dom' },
      },
      {
        extends: true,
        oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
        test: {
          name: 'dashboard',
          include: ['dashboard/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          globalSetup: ['server/test/globalSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['server/test/globalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

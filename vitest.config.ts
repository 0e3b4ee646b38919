import { defineConfig } from 'vitest/config';

// Three layers of the pyramid, each its own project:
//   unit         *.test.ts        pure logic, no sockets
//   integration  *.int.test.ts    real server on port 0, real WebRTC peers in Node
//   e2e          *.e2e.test.ts    real Chromium (and Firefox ESR) with fake camera/microphone
const exclude = ['**/node_modules/**', '**/dist/**'];
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/**/*.test.ts', 'apps/**/*.test.ts'],
          exclude: [...exclude, '**/*.int.test.ts', '**/*.e2e.test.ts'],
          // DB contract tests start an embedded PGlite (WASM + migrations) inside the test: under
          // a full parallel run on 2 cores that alone has taken over 10 s.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/**/*.int.test.ts', 'tests/**/*.int.test.ts'],
          exclude,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/**/*.e2e.test.ts'],
          exclude,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

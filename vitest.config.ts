import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A zone far from UTC, with a 45-minute offset, so any accidental use of the machine's local
    // time shows up as a wrong date instead of passing by luck.
    env: { TZ: 'Pacific/Chatham' },
    testTimeout: 60_000,
  },
});

import { defineConfig } from 'vitest/config';

// Benchmarks are never part of `make test`: `make bench`.
export default defineConfig({
  test: { include: ['bench/**/*.bench.ts'] },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts", "components/**/*.test.ts", "sdk/**/*.test.ts", "policies/**/*.test.ts"],
        // Pulumi's runtime state (mocks, config, the resource monitor) is process-global:
        // every test file gets its own forked process, and tests inside a file run in order.
        pool: "forks",
        isolate: true,
        // An apply on an unknown value never fires; a timeout turns such a hang into a failure.
        testTimeout: 30_000,
        hookTimeout: 30_000,
    },
});

import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(__dirname);
const alias = {
  "@": root,
  "server-only": path.join(root, "tests/support/empty.ts"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          environment: "node",
          include: ["lib/**/*.test.ts", "cli/**/*.test.ts"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          environment: "node",
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: ["tests/support/integration-global-setup.ts"],
          // Votes need no passkey here unless a suite asks for one: passkeys.test.ts turns the
          // requirement on (the console's default is L2 and up); the others test other things.
          env: { CELLGATE_PASSKEY_MIN_TIER: "off" },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores: keep the number of concurrent PGlite instances and PG databases modest.
          maxWorkers: 2,
        },
      },
    ],
  },
});

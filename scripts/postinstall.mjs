// npm postinstall: generate the Prisma client into lib/generated, offline.
//
// The generator uses engineType = "client" (driver adapters: PGlite or pg),
// so no native query engine is ever loaded; yet `prisma generate` still looks
// for one and, when it is missing, downloads it from binaries.prisma.sh, which
// fails without internet. Pointing PRISMA_QUERY_ENGINE_LIBRARY at a placeholder
// satisfies that check without downloading anything.
//
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";


const env = { ...process.env };
const schema = fs.readFileSync(path.join("prisma", "schema.prisma"), "utf8");
if (!env.PRISMA_QUERY_ENGINE_LIBRARY && /engineType\s*=\s*"client"/.test(schema)) {
  const placeholder = path.resolve("node_modules", ".prisma", "unused-query-engine.so.node");
  fs.mkdirSync(path.dirname(placeholder), { recursive: true });
  if (!fs.existsSync(placeholder)) fs.writeFileSync(placeholder, "");
  env.PRISMA_QUERY_ENGINE_LIBRARY = placeholder;
}

// `npx cellgate …` runs this checkout's CLI: npm links the bins of
// dependencies, never the root package's own (and a root "bin" makes npx try
// to install the checkout into its cache), so link it here.
const shim = path.join("node_modules", ".bin", "cellgate");
const shimBody = '#!/bin/sh\nexec node "$(dirname "$0")/../../bin/cellgate.mjs" "$@"\n';
fs.mkdirSync(path.dirname(shim), { recursive: true });
if (!fs.existsSync(shim) || fs.readFileSync(shim, "utf8") !== shimBody) {
  fs.rmSync(shim, { force: true });
  fs.writeFileSync(shim, shimBody, { mode: 0o755 });
}

const quiet = spawnSync(path.join("node_modules", ".bin", "prisma"), ["generate", "--no-hints"], { stdio: "ignore", env });
if (quiet.status === 0) process.exit(0);
const loud = spawnSync(path.join("node_modules", ".bin", "prisma"), ["generate"], { stdio: "inherit", env });
process.exit(loud.status ?? 1);

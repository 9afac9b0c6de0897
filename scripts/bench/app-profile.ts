/**
 * BENCH_CPU_PROF=DIR: the console a benchmark starts is CPU-profiled into DIR
 * (Next's own profiler, NEXT_CPU_PROF; scripts/serve.mjs honours it too), one
 * .cpuprofile per console process, written when it is stopped. Open it in
 * Chrome DevTools (Performance) or any .cpuprofile viewer.
 */
import fs from "node:fs";
import path from "node:path";

export function profiledAppEnv(): Record<string, string> {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return {};
  fs.mkdirSync(dir, { recursive: true });
  return { NEXT_CPU_PROF: "1", NEXT_CPU_PROF_DIR: path.resolve(dir) };
}

// Entry of the audit verify worker thread: registers tsx in this thread (a
// worker does not inherit the parent's --import loader on Node 20), then runs
// the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./audit-verify-worker.ts");

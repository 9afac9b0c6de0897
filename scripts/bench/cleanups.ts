/**
 * Resources a benchmark started (apps, clusters, temp dirs), released last
 * first — also when the run is interrupted with Ctrl-C.
 */
export const cleanups: Array<() => Promise<void> | void> = [];

export async function cleanupAll(): Promise<void> {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (error) {
      console.error("cleanup failed:", error);
    }
  }
}

process.once("SIGINT", () => {
  console.error("\ninterrupted: cleaning up …");
  void cleanupAll().finally(() => process.exit(130));
});

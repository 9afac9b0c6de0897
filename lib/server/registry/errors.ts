/** Expected failures of registry commands; the CLI prints the message and exits 1. */
export class RegistryError extends Error {
  constructor(
    readonly code: "invalid-plan" | "forbidden" | "unknown-actor" | "stale",
    message: string,
  ) {
    super(message);
    this.name = "RegistryError";
  }
}

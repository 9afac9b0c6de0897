/** Expected failures of policy commands; the CLI prints the message and exits 1. */
export class PolicyError extends Error {
  constructor(
    readonly code: "forbidden",
    message: string,
  ) {
    super(message);
    this.name = "PolicyError";
  }
}

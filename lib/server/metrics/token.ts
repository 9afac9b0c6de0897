import "server-only";
/**
 * CELLGATE_METRICS_TOKEN resolved from its secret reference once per process.
 * A reference that cannot be resolved, or a token shorter than
 * MIN_METRICS_TOKEN_LENGTH, is logged (naming the problem, never the value)
 * and leaves token access off: only platform admins can then read metrics.
 */
import { env } from "@/lib/env";
import { resolveSecretRef, SecretRefError } from "@/lib/server/auth/secret-ref";
import { MIN_METRICS_TOKEN_LENGTH } from "./handler";

const cache = globalThis as unknown as { __cellgateMetricsToken?: { ref: string | undefined; token: string | undefined } };

export function configuredMetricsToken(): string | undefined {
  const ref = env().CELLGATE_METRICS_TOKEN;
  const cached = cache.__cellgateMetricsToken;
  if (cached && cached.ref === ref) return cached.token;
  let token: string | undefined;
  if (ref) {
    try {
      const value = resolveSecretRef(ref);
      if (value.length < MIN_METRICS_TOKEN_LENGTH) {
        console.error(`[metrics] CELLGATE_METRICS_TOKEN is shorter than ${MIN_METRICS_TOKEN_LENGTH} characters; token access is off.`);
      } else {
        token = value;
      }
    } catch (error) {
      const why = error instanceof SecretRefError ? error.message : "unreadable";
      console.error(`[metrics] CELLGATE_METRICS_TOKEN cannot be resolved (${why}); token access is off.`);
    }
  }
  cache.__cellgateMetricsToken = { ref, token };
  return token;
}

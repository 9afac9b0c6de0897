/**
 * Load shedding for one console process: at most `maxInFlight` host requests
 * run at once; the next wait in arrival order for at most `queueBudgetMs`
 * (and at most `maxQueue` of them); a request that cannot start within the
 * budget is answered 503 + Retry-After before its body is read, so nothing
 * of it is stored or acknowledged and the host retries later. Latency then
 * stays bounded (about the in-flight work plus the budget) however many
 * hosts, each under its own rate limit, press at once.
 *
 * A request also waits before it reaches any handler when the process's event
 * loop itself is saturated (on PGlite the database runs on it): `lagMs`, the
 * event loop's recent delay, already spends the budget when it exceeds it, and
 * new requests are shed at once. (A lower threshold shed at plain capacity on
 * PGlite, whose loop is busy with the database there: measured with
 * bench:ingest.)
 *
 * Pure bookkeeping, no timers unless a request waits.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

export interface AdmissionLimits {
  maxInFlight: number;
  queueBudgetMs: number;
  maxQueue: number;
}

export interface AdmissionStats {
  inFlight: number;
  queued: number;
  admitted: number;
  shed: number;
}

interface Waiter {
  admit: () => void;
  timer: ReturnType<typeof setTimeout>;
}

export type Release = () => void;

export class Admission {
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  private admitted = 0;
  private shed = 0;

  /** `lagMs`: how long a callback waits for the event loop right now (default: not measured). */
  constructor(
    readonly limits: AdmissionLimits,
    private readonly lagMs: () => number = () => 0,
  ) {}

  /** A release function once the request may run, or null: shed it (503). The counts change at once, before the first await. */
  async enter(): Promise<Release | null> {
    // (A zero budget means "never wait for a slot"; the loop's delay is not judged then.)
    if (this.limits.queueBudgetMs > 0 && this.lagMs() > this.limits.queueBudgetMs) return this.refuse();
    if (this.inFlight < this.limits.maxInFlight && this.queue.length === 0) return this.start();
    if (this.queue.length >= this.limits.maxQueue || this.limits.queueBudgetMs <= 0) return this.refuse();
    return new Promise<Release | null>((resolve) => {
      const waiter: Waiter = {
        admit: () => resolve(this.start()),
        timer: setTimeout(() => {
          const at = this.queue.indexOf(waiter);
          if (at >= 0) this.queue.splice(at, 1);
          resolve(this.refuse());
        }, this.limits.queueBudgetMs),
      };
      this.queue.push(waiter);
    });
  }

  stats(): AdmissionStats {
    return { inFlight: this.inFlight, queued: this.queue.length, admitted: this.admitted, shed: this.shed };
  }

  private start(): Release {
    this.inFlight += 1;
    this.admitted += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      const next = this.queue.shift();
      if (next) {
        clearTimeout(next.timer);
        next.admit();
      }
    };
  }

  private refuse(): null {
    this.shed += 1;
    return null;
  }
}

/**
 * The event loop's recent delay in ms: the median of what
 * monitorEventLoopDelay saw over the last `windowMs` (sampled every 10 ms),
 * so one long pause (a collection, a checkpoint) does not shed anything; a
 * loop busy most of the window does.
 */
export function eventLoopLag(windowMs = 500): () => number {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let last = 0;
  const timer = setInterval(() => {
    last = histogram.count > 0 ? histogram.percentile(50) / 1e6 : 0;
    histogram.reset();
  }, windowMs);
  timer.unref();
  return () => last;
}

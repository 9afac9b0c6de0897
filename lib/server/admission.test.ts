import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Admission } from "./admission";

describe("Admission", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("admits up to the in-flight limit at once, then queues in arrival order", async () => {
    const gate = new Admission({ maxInFlight: 2, queueBudgetMs: 100, maxQueue: 10 });
    const a = (await gate.enter())!;
    const b = (await gate.enter())!;
    expect(typeof a).toBe("function");
    expect(typeof b).toBe("function");
    const order: string[] = [];
    const c = gate.enter().then((r) => (order.push("c"), r));
    const d = gate.enter().then((r) => (order.push("d"), r));
    expect(gate.stats()).toMatchObject({ inFlight: 2, queued: 2 });
    a();
    a(); // releasing twice frees one slot only
    const releaseC = await c;
    expect(releaseC).toBeTypeOf("function");
    expect(gate.stats()).toMatchObject({ inFlight: 2, queued: 1 });
    b();
    expect(await d).toBeTypeOf("function");
    expect(order).toEqual(["c", "d"]);
    expect(gate.stats()).toMatchObject({ inFlight: 2, queued: 0, admitted: 4, shed: 0 });
  });

  it("sheds a request that waited longer than the queue budget, and one that finds the queue full", async () => {
    const gate = new Admission({ maxInFlight: 1, queueBudgetMs: 50, maxQueue: 1 });
    const first = (await gate.enter())!;
    const waiting = gate.enter();
    expect(await gate.enter()).toBeNull(); // the queue holds one
    await vi.advanceTimersByTimeAsync(51);
    expect(await waiting).toBeNull();
    expect(gate.stats()).toMatchObject({ inFlight: 1, queued: 0, shed: 2 });
    first();
    // A shed waiter is gone: the next request starts at once.
    expect(await gate.enter()).toBeTypeOf("function");
  });

  it("with a zero budget never queues (and does not judge the loop's delay)", async () => {
    const gate = new Admission({ maxInFlight: 1, queueBudgetMs: 0, maxQueue: 100 }, () => 50);
    expect(await gate.enter()).toBeTypeOf("function");
    expect(await gate.enter()).toBeNull();
  });

  it("sheds at once while the event loop lags more than the queue budget, even with slots free", async () => {
    let lag = 251;
    const gate = new Admission({ maxInFlight: 4, queueBudgetMs: 250, maxQueue: 10 }, () => lag);
    expect(await gate.enter()).toBeNull();
    expect(gate.stats()).toMatchObject({ inFlight: 0, shed: 1 });
    lag = 249;
    expect(await gate.enter()).toBeTypeOf("function");
  });
});

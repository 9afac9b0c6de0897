import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { passkeyRequirement, switchPasskeyRequirement } from "./index";

function withTier(tier: string | undefined) {
  if (tier === undefined) delete process.env.CELLGATE_PASSKEY_MIN_TIER;
  else process.env.CELLGATE_PASSKEY_MIN_TIER = tier;
  resetEnvCache();
}

describe("when a decision needs a passkey", () => {
  const saved = process.env.CELLGATE_PASSKEY_MIN_TIER;
  afterEach(() => withTier(saved));

  it("by default: votes on L2 and up, every promotion approval, tenant-wide and global switches", () => {
    withTier(undefined);
    expect(passkeyRequirement({ tier: "L1", governance: false })).toBeNull();
    expect(passkeyRequirement({ tier: "L2", governance: false })).toBe("Votes on L2 jobs are signed with your passkey.");
    expect(passkeyRequirement({ tier: "L5", governance: false })).toBe("Votes on L5 jobs are signed with your passkey.");
    expect(passkeyRequirement({ tier: "L0", governance: true })).toBe("Promotion approvals are signed with your passkey.");
    expect(switchPasskeyRequirement("global")).toBe("A global kill switch is engaged and released with your passkey.");
    expect(switchPasskeyRequirement("tenant")).toBe("A tenant-wide kill switch is engaged and released with your passkey.");
    expect(switchPasskeyRequirement("profile")).toBeNull();
    expect(switchPasskeyRequirement("capability")).toBeNull();
  });

  it("follows CELLGATE_PASSKEY_MIN_TIER; off asks for none, except where the policy asks", () => {
    withTier("L4");
    expect(passkeyRequirement({ tier: "L3", governance: false })).toBeNull();
    expect(passkeyRequirement({ tier: "L4", governance: false })).not.toBeNull();
    withTier("off");
    expect(passkeyRequirement({ tier: "L5", governance: true })).toBeNull();
    expect(switchPasskeyRequirement("global")).toBeNull();
    expect(passkeyRequirement({ tier: "L0", governance: false, policy: true })).toBe("The policy asks for passkey-signed votes on this job.");
  });
});

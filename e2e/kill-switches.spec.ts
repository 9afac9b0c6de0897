/**
 * The admin's journey in a browser: preview the plan of a profile kill
 * switch, engage it with a reason (banner on the profile page), release it
 * with a reason (it stays in history); a viewer has no engage control; another
 * tenant's admin never sees the switch. Each test stops its own fresh acme
 * profile, so no other spec's profile is ever switched off.
 */
import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import type { PrismaClient } from "../lib/generated/prisma/client";
import { createJob } from "../tests/support/job-factory";
import { withDb } from "./support/db";
import { expect, test } from "./support/fixtures";

const hex = () => randomBytes(4).toString("hex");
const DIGEST = `sha256:${"cd".repeat(32)}`;

/** A fresh acme profile (sorting after the demo ones), one host bound to it, and one pending job on it. */
async function acmeTarget(prisma: PrismaClient) {
  const tenant = await prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
  const slug = `acme-zz-ks-${hex()}`;
  const profile = await prisma.profile.create({
    data: {
      tenantId: tenant.id,
      slug,
      owner: "e2e-kill-switch",
      ring: 3,
      tier: "L3",
      unit: `${slug}.service`,
      artifactDigest: DIGEST,
      rollbackEndpoint: "https://rollback.internal/e2e",
      rollbackManifestDigest: DIGEST,
      evidencePath: `evidence/${slug}/`,
    },
  });
  const host = await prisma.host.create({ data: { id: `ks-host-${hex()}`, profiles: { create: { profileId: profile.id } } } });
  const job = await createJob(prisma, { tenant, profile, topic: `job.e2e_ks_${hex()}.write.update_ticket`, ttlSec: 3600 });
  return { tenant, profile, host, job };
}

/**
 * A tenant of its own (so a tenant-wide switch stops nobody else's work) with
 * a tenant admin and a viewer, who share the demo password (copied hash).
 */
async function freshTenant(prisma: PrismaClient) {
  const { passwordHash } = await prisma.user.findUniqueOrThrow({ where: { email: "tenant-admin@acme.demo" } });
  const slug = `zz-ks-${hex()}`;
  const tenant = await prisma.tenant.create({ data: { slug, name: `Zz Switch ${slug}` } });
  const user = (role: "tenant_admin" | "viewer") =>
    prisma.user.create({
      data: {
        email: `${role.replace("_", "-")}-${hex()}@${slug}.demo`,
        name: `${role} of ${slug}`,
        passwordHash,
        memberships: { create: { tenantId: tenant.id, role } },
      },
    });
  const [admin, viewer] = [await user("tenant_admin"), await user("viewer")];
  return { tenant, admin: admin.email, viewer: viewer.email };
}

/** Through the form: preview the plan for the profile, then confirm with `reason`. */
async function engageProfileSwitch(page: Page, slug: string, reason: string) {
  await page.goto("/kill-switches");
  const form = page.getByRole("form", { name: "Choose what to stop" });
  await form.getByLabel("Scope").selectOption("profile");
  await form.getByLabel("Profile", { exact: true }).fill(slug);
  await form.getByRole("button", { name: "Preview plan" }).click();
  await expect(page).toHaveURL(/\/kill-switches\?preview=1&scope=profile/);
  await expect(page.getByTestId("kill-switch-plan")).toContainText(`profile ${slug}`);
  const confirm = page.getByRole("form", { name: "Confirm kill switch" });
  await confirm.getByLabel("Reason (required)").fill(reason);
  await confirm.getByRole("button", { name: "Engage kill switch" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Kill switch engaged" })).toContainText(`profile ${slug}`);
}

test("a tenant admin previews, engages and releases a profile switch with reasons; the profile page shows the banner meanwhile", async ({
  pageAs,
}) => {
  // A dozen page loads, an engage and a release: more than 30 s on a loaded 2-core machine.
  test.setTimeout(60_000);
  const { profile, host, job } = await withDb(acmeTarget);
  const reason = `Runaway ticket writes ${hex()}`;
  const page = await pageAs("tenant-admin@acme.demo");

  // The plan, before anything changes: the profile, its host and its pending job.
  await page.goto(`/kill-switches?preview=1&scope=profile&profile=${profile.slug}`);
  const plan = page.getByTestId("kill-switch-plan");
  await expect(plan.getByRole("list", { name: "Profiles" })).toHaveText(new RegExp(profile.slug));
  await expect(plan.getByRole("list", { name: "Hosts" })).toHaveText(host.id);
  await expect(plan.getByRole("list", { name: "Pending jobs" })).toContainText(job.topic);
  expect(await withDb((prisma) => prisma.killSwitch.count({ where: { profileId: profile.id } }))).toBe(0);

  // The reason is required: an empty one never reaches the server.
  await page.getByRole("button", { name: "Engage kill switch" }).click();
  expect(await page.getByLabel("Reason (required)").evaluate((el) => (el as HTMLTextAreaElement).validity.valueMissing)).toBe(true);

  await engageProfileSwitch(page, profile.slug, reason);
  const inForce = page.getByRole("table", { name: "Kill switches in force" });
  const row = inForce.locator("tr", { hasText: `profile ${profile.slug}` });
  await expect(row).toContainText(reason);
  // No automatic release: it is released by hand.
  await expect(row).toContainText("manually");
  const switchId = await row.getAttribute("data-switch-id");
  expect(switchId).toMatch(/^ks_/);

  // The banner on the profile it stops.
  await page.goto(`/profiles/${profile.slug}`);
  const banner = page.getByRole("region", { name: "Kill switches on this profile" });
  await expect(banner).toContainText(`Kill switch engaged: profile ${profile.slug}.`);
  await expect(banner).toContainText(reason);
  // …and not on another profile.
  await page.goto("/profiles/acme-ticket-triage");
  await expect(page.getByRole("region", { name: "Kill switches on this profile" })).toHaveCount(0);

  // The same switch twice is refused, and says why.
  await page.goto(`/kill-switches?preview=1&scope=profile&profile=${profile.slug}`);
  await page.getByLabel("Reason (required)").fill("Again");
  await page.getByRole("button", { name: "Engage kill switch" }).click();
  await expect(page.getByRole("form", { name: "Confirm kill switch" }).getByRole("alert")).toContainText(
    `This switch is already engaged (${switchId})`,
  );

  // Release with a reason: it leaves "in force" and stays in history.
  await page.goto("/kill-switches");
  await page.getByRole("button", { name: `Release kill switch: profile ${profile.slug}` }).click();
  const release = page.getByRole("form", { name: `Release kill switch: profile ${profile.slug}` });
  await release.getByLabel("Reason for releasing (required)").fill("Bridge fixed and verified");
  await release.getByRole("button", { name: "Confirm release" }).click();
  await expect(page.getByRole("table", { name: "Kill switches in force" }).locator(`tr[data-switch-id="${switchId}"]`)).toHaveCount(0);
  const history = page.getByRole("table", { name: "Kill switch history" }).locator(`tr[data-switch-id="${switchId}"]`);
  await expect(history).toContainText(reason);
  await expect(history).toContainText("Bridge fixed and verified");

  await page.goto(`/profiles/${profile.slug}`);
  await expect(page.getByRole("heading", { level: 1, name: profile.slug })).toBeVisible();
  await expect(page.getByRole("region", { name: "Kill switches on this profile" })).toHaveCount(0);

  const stored = await withDb((prisma) => prisma.killSwitch.findUniqueOrThrow({ where: { id: switchId! } }));
  expect(stored).toMatchObject({ scope: "profile", profileId: profile.id, reason, releaseReason: "Bridge fixed and verified" });
  expect(stored.releasedAt).not.toBeNull();
  const receipts = await withDb((prisma) =>
    prisma.receipt.findMany({ where: { id: { in: [stored.engageReceiptId, stored.releaseReceiptId!] } }, select: { action: true } }),
  );
  expect(receipts.map((r) => r.action).sort()).toEqual(["killswitch.engage", "killswitch.release"]);
});

test("a profile switch shows on its pending job's queue row and page, Approve disabled saying why; released, the job can be approved", async ({
  pageAs,
}) => {
  // Two users, an engage and a release through the forms, and six page loads.
  test.setTimeout(60_000);
  const { profile, job } = await withDb(acmeTarget);
  const reason = `Bridge writes wrong tickets ${hex()}`;
  const admin = await pageAs("tenant-admin@acme.demo");
  await engageProfileSwitch(admin, profile.slug, reason);
  const switchId = await admin.getByRole("table", { name: "Kill switches in force" }).locator("tr", { hasText: reason }).getAttribute("data-switch-id");
  const adminName = await withDb((prisma) => prisma.user.findUniqueOrThrow({ where: { email: "tenant-admin@acme.demo" } }).then((u) => u.name));

  const approver = await pageAs("approver@acme.demo");
  await approver.goto(`/approvals?profile=${profile.slug}`);
  const row = approver.locator(`tr[data-job-id="${job.id}"]`);
  await expect(row.getByTestId("kill-switch-row")).toHaveText(`Kill switch engaged — cannot be approved: profile ${profile.slug} (${reason})`);

  await row.getByRole("link", { name: job.topic }).click();
  const covering = approver.getByRole("region", { name: "Kill switches covering this job" });
  await expect(covering).toContainText("A kill switch covers this job: it cannot be approved while it is engaged (it can still be denied).");
  await expect(covering).toContainText(`profile ${profile.slug} — ${reason}`);
  await expect(covering).toContainText(new RegExp(`engaged by ${adminName} at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC; ${switchId}`));
  // The form says why before anyone tries; the server would refuse anyway, and still takes a deny.
  const approve = approver.getByRole("button", { name: "Approve", exact: true });
  await expect(approve).toBeDisabled();
  await expect(approve).toHaveAccessibleDescription(new RegExp(`covered by kill switch ${switchId}, engaged because: ${reason}\\. It cannot be approved`));
  await expect(approver.getByTestId("approve-blocked")).toContainText("you can still deny it");
  await expect(approver.getByRole("button", { name: "Deny", exact: true })).toBeEnabled();

  await admin.goto("/kill-switches");
  await admin.getByRole("button", { name: `Release kill switch: profile ${profile.slug}` }).click();
  await admin.getByLabel("Reason for releasing (required)").fill("Bridge fixed");
  await admin.getByRole("button", { name: "Confirm release" }).click();
  await expect(admin.getByRole("table", { name: "Kill switch history" }).locator(`tr[data-switch-id="${switchId}"]`)).toContainText("Bridge fixed");

  await approver.reload();
  await expect(approver.getByRole("heading", { level: 1, name: job.topic })).toBeVisible();
  await expect(approver.getByRole("region", { name: "Kill switches covering this job" })).toHaveCount(0);
  await approver.getByLabel("Note (required)").fill("Bridge fixed; ticket checked.");
  await approver.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(approver.getByTestId("your-vote")).toContainText("You approved this job at");
  await approver.goto(`/approvals?profile=${profile.slug}`);
  await expect(approver.locator(`tr[data-job-id="${job.id}"]`)).toHaveCount(0);
});

test("a viewer sees switches in force but has no engage, preview or release control", async ({ pageAs }) => {
  const { profile } = await withDb(acmeTarget);
  const admin = await pageAs("tenant-admin@acme.demo");
  await engageProfileSwitch(admin, profile.slug, `Viewer check ${hex()}`);

  const viewer = await pageAs("viewer@acme.demo");
  await viewer.goto("/kill-switches");
  await expect(viewer.getByRole("heading", { level: 1, name: "Kill switches" })).toBeVisible();
  await expect(viewer.getByRole("table", { name: "Kill switches in force" })).toContainText(`profile ${profile.slug}`);
  await expect(viewer.getByRole("form", { name: "Choose what to stop" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Preview plan" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: /^Release kill switch/ })).toHaveCount(0);
  // A hand-written preview address shows no plan and no confirm control either.
  await viewer.goto(`/kill-switches?preview=1&scope=profile&profile=${profile.slug}`);
  await expect(viewer.getByTestId("kill-switch-plan")).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Engage kill switch" })).toHaveCount(0);
  // The banner is for everyone who can see the profile.
  await viewer.goto(`/profiles/${profile.slug}`);
  await expect(viewer.getByRole("region", { name: "Kill switches on this profile" })).toContainText(profile.slug);
});

test("another tenant's admin does not see the switch, its profile or its plan", async ({ pageAs }) => {
  const { profile } = await withDb(acmeTarget);
  const reason = `Acme only ${hex()}`;
  const admin = await pageAs("tenant-admin@acme.demo");
  await engageProfileSwitch(admin, profile.slug, reason);

  const globex = await pageAs("tenant-admin@globex.demo");
  await globex.goto("/kill-switches");
  await expect(globex.getByRole("form", { name: "Choose what to stop" })).toBeVisible();
  const text = await globex.locator("main").innerText();
  expect(text).not.toContain(profile.slug);
  expect(text).not.toContain(reason);
  // The tenant field (tenant scope) offers globex only; the profile picker offers none of acme's.
  await globex.getByRole("form", { name: "Choose what to stop" }).getByLabel("Scope").selectOption("tenant");
  await expect(globex.getByLabel("Tenant", { exact: true })).toBeVisible();
  await expect(globex.getByLabel("Tenant", { exact: true })).not.toContainText("Acme");
  await globex.getByRole("form", { name: "Choose what to stop" }).getByLabel("Scope").selectOption("profile");
  await globex.getByRole("combobox", { name: "Profile" }).fill(profile.slug);
  await expect(globex.getByText(`No profile you may stop matches “${profile.slug}”.`)).toBeVisible();

  await globex.goto(`/kill-switches?preview=1&scope=profile&profile=${profile.slug}`);
  await expect(globex.locator("main").getByRole("alert")).toContainText("Not found, or you do not have access to it.");
  await expect(globex.getByTestId("kill-switch-plan")).toHaveCount(0);
  expect((await globex.goto(`/profiles/${profile.slug}`))?.status()).toBe(404);
  expect(await globex.locator("body").innerText()).not.toContain(reason);
});

test("a tenant switch puts a banner on every page its tenant's users open, and on no one else's", async ({ pageAs }) => {
  // Two users, six page loads, an engage and a release: near 30 s on a loaded 2-core machine.
  test.setTimeout(60_000);
  const { tenant, admin, viewer } = await withDb(freshTenant);
  const reason = `Tenant-wide stop ${hex()}`;
  // A reader already in the console before the switch is engaged.
  const reader = await pageAs(viewer);
  await reader.goto("/");
  await expect(reader.getByRole("navigation", { name: "Main" })).toBeVisible();
  const banner = (p: Page) => p.getByRole("region", { name: "Kill switches in force" });
  await expect(banner(reader)).toHaveCount(0);

  const page = await pageAs(admin);
  await page.goto("/kill-switches");
  const form = page.getByRole("form", { name: "Choose what to stop" });
  await form.getByLabel("Scope").selectOption("tenant");
  await form.getByLabel("Tenant", { exact: true }).selectOption(tenant.slug);
  await form.getByRole("button", { name: "Preview plan" }).click();
  await expect(page.getByTestId("kill-switch-plan")).toContainText(`tenant ${tenant.slug}`);
  await page.getByLabel("Reason (required)").fill(reason);
  await page.getByRole("button", { name: "Engage kill switch" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Kill switch engaged" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Kill switches in force" })).toContainText(reason);

  // Moving on inside the app (no reload) shows it: the layout banner re-reads on navigation.
  const reread = reader.waitForResponse((r) => new URL(r.url()).pathname === "/kill-switches/banner" && r.ok());
  await reader.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Registry" }).click();
  await expect(reader).toHaveURL(/\/profiles$/);
  expect(await (await reread).json()).toMatchObject({ switches: [{ reason }] });
  await expect(banner(reader)).toContainText(`Kill switch engaged: tenant ${tenant.slug}.`);
  for (const path of ["/", "/profiles", "/receipts", "/kill-switches"]) {
    await reader.goto(path);
    await expect(banner(reader), path).toContainText(`Kill switch engaged: tenant ${tenant.slug}.`);
    await expect(banner(reader), path).toContainText(reason);
  }
  const other = await pageAs("viewer@acme.demo");
  await other.goto("/");
  expect(await other.locator("body").innerText()).not.toContain(reason);

  await page.goto("/kill-switches");
  await page.getByRole("button", { name: `Release kill switch: tenant ${tenant.slug}` }).click();
  await page.getByLabel("Reason for releasing (required)").fill("Incident closed");
  await page.getByRole("button", { name: "Confirm release" }).click();
  await expect(page.getByRole("table", { name: "Kill switch history" })).toContainText("Incident closed");
  // …and the release clears it on the next navigation, then on a fresh load.
  await reader.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" }).click();
  await expect(reader).toHaveURL(/\/$/);
  await expect(banner(reader)).toHaveCount(0);
  await reader.reload();
  await expect(reader.getByRole("navigation", { name: "Main" })).toBeVisible();
  expect(await reader.locator("body").innerText()).not.toContain(reason);
});

test("the profile is picked by searching the profiles the admin may stop, and each scope shows only its fields", async ({ pageAs }) => {
  const { profile } = await withDb(acmeTarget);
  const page = await pageAs("tenant-admin@acme.demo");
  await page.goto("/kill-switches");
  const form = page.getByRole("form", { name: "Choose what to stop" });
  await form.getByLabel("Scope").selectOption("profile");
  await expect(form.getByLabel("Tenant", { exact: true })).toHaveCount(0);
  await expect(form.getByLabel("Capability", { exact: true })).toHaveCount(0);

  const picker = form.getByRole("combobox", { name: "Profile" });
  await picker.fill("ticket-tri");
  const options = form.getByRole("listbox", { name: "Profiles you may stop" }).getByRole("option");
  await expect(options.first()).toContainText("acme-ticket-triage");
  // Only acme's profiles: another tenant's are never offered.
  await picker.fill("globex");
  await expect(form.getByRole("listbox", { name: "Profiles you may stop" })).toHaveCount(0);
  await expect(form.getByRole("status").filter({ hasText: "No profile you may stop matches" })).toBeVisible();
  // A typo says so before anything is sent.
  await picker.fill("tikcet");
  await expect(form.getByText("No profile you may stop matches “tikcet”.")).toBeVisible();

  await picker.fill(profile.slug.slice(0, -2));
  await form.getByRole("option", { name: new RegExp(profile.slug) }).click();
  await expect(picker).toHaveValue(profile.slug);
  await form.getByRole("button", { name: "Preview plan" }).click();
  await expect(page.getByTestId("kill-switch-plan")).toContainText(`profile ${profile.slug}`);

  // Tenant scope: the tenant only; capability: tenant, profile and capability; global is not offered to a tenant admin.
  await form.getByLabel("Scope").selectOption("tenant");
  await expect(form.getByLabel("Tenant", { exact: true })).toBeVisible();
  await expect(form.getByRole("combobox", { name: "Profile" })).toHaveCount(0);
  await form.getByLabel("Scope").selectOption("capability");
  await expect(form.getByLabel("Capability", { exact: true })).toBeVisible();
  await expect(form.getByRole("combobox", { name: "Profile" })).toBeVisible();
  await expect(form.getByLabel("Scope").locator("option", { hasText: "Global" })).toHaveCount(0);
});

test("a capability switch narrowed to one profile, with an automatic release time, shows on that profile only", async ({ pageAs }) => {
  const { profile } = await withDb(acmeTarget);
  const reason = `Write tools off ${hex()}`;
  const page = await pageAs("tenant-admin@acme.demo");
  await page.goto("/kill-switches");
  const form = page.getByRole("form", { name: "Choose what to stop" });
  await form.getByLabel("Scope").selectOption("capability");
  await form.getByLabel("Profile", { exact: true }).fill(profile.slug);
  await form.getByLabel("Capability", { exact: true }).fill("no-such-capability");
  await form.getByRole("button", { name: "Preview plan" }).click();
  await expect(page.locator("main").getByRole("alert")).toContainText('unknown capability "no-such-capability"');
  await expect(page.getByTestId("kill-switch-plan")).toHaveCount(0);

  await form.getByLabel("Capability", { exact: true }).fill("write-tools");
  await form.getByLabel("Release automatically after (minutes)").fill("30");
  await form.getByRole("button", { name: "Preview plan" }).click();
  const plan = page.getByTestId("kill-switch-plan");
  await expect(plan).toContainText(`Write tools on profile ${profile.slug}`);
  // The pending job writes, so the capability covers it.
  await expect(plan.getByRole("list", { name: "Pending jobs" })).toContainText("write.update_ticket");
  await page.getByLabel("Reason (required)").fill(reason);
  await page.getByRole("button", { name: "Engage kill switch" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Kill switch engaged" })).toContainText("releasing itself at");

  await page.goto(`/profiles/${profile.slug}`);
  const banner = page.getByRole("region", { name: "Kill switches on this profile" });
  await expect(banner).toContainText(`Kill switch engaged: Write tools on profile ${profile.slug}.`);
  await expect(banner).toContainText("releases itself at");
  await page.goto("/profiles/acme-ticket-triage");
  await expect(page.getByRole("region", { name: "Kill switches on this profile" })).toHaveCount(0);

  const stored = await withDb((prisma) => prisma.killSwitch.findFirstOrThrow({ where: { profileId: profile.id } }));
  expect(stored).toMatchObject({ scope: "capability", capability: "write-tools", reason, releasedAt: null });
  const minutes = (stored.autoReleaseAt!.getTime() - stored.engagedAt.getTime()) / 60_000;
  expect(minutes).toBe(30);
});

test("the capability field offers the catalog, the tenant's tools and the topics its policies name, and nothing of another tenant's", async ({ pageAs }) => {
  const offered = async (email: string) => {
    const page = await pageAs(email);
    await page.goto("/kill-switches");
    // The capability field is shown for the capability scope only.
    await page.getByRole("form", { name: "Choose what to stop" }).getByLabel("Scope").selectOption("capability");
    await expect(page.getByLabel("Capability", { exact: true })).toBeVisible();
    return page.locator("#ks-capability-options option").evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  };
  const acme = await offered("tenant-admin@acme.demo");
  // The catalog, a tool of acme-ticket-triage, a platform policy topic and acme's own tenant policy topic.
  expect(acme).toEqual(expect.arrayContaining(["write-tools", "tool:update_ticket", "topic:job.*.read.**", "topic:job.*.read.search_kb"]));
  const globex = await offered("tenant-admin@globex.demo");
  expect(globex).toEqual(expect.arrayContaining(["write-tools", "topic:job.*.read.**"]));
  expect(globex).not.toContain("topic:job.*.read.search_kb");
  expect(globex).not.toContain("tool:update_ticket");
});

/**
 * The governance gate, pure: canary stages and the one-step rule, the gate
 * table (data), control status (evidenced only by passing, fresh evidence),
 * gate evaluation and the snapshot hash an approval binds to. No database,
 * no clock of its own. See README.md beside this file for the choices made.
 */
export * from "./stages";
export * from "./table";
export * from "./controls";
export * from "./snapshot";
export * from "./evaluate";
export * from "./drift";

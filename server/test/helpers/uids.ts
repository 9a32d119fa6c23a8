// Host uids for test sandboxes. Each test file picks a base of its own (the kernel counts
// processes per uid, and the reaper kills by uid), and TEST_SANDBOX_UID_OFFSET moves every
// base at once, so two test runs on one machine (two checkouts, a CI run beside a
// developer's) never share a uid.
export const UID_OFFSET = Number(process.env.TEST_SANDBOX_UID_OFFSET ?? 0);

if (!Number.isInteger(UID_OFFSET) || UID_OFFSET < 0 || UID_OFFSET > 3_000_000_000) {
  throw new Error(`TEST_SANDBOX_UID_OFFSET must be a non-negative integer, got ${UID_OFFSET}`);
}

export function testUid(base: number): number {
  return base + UID_OFFSET;
}

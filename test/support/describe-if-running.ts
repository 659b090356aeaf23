/**
 * `describe(name, body)` when the servers it needs run (`reason` is undefined). Otherwise a loud
 * skip, or, under AIOFS_TEST_REQUIRE_ALL=1 (CI), a test that fails saying why `server` is missing.
 */
export function describeIfRunning(
  name: string,
  server: string,
  reason: string | undefined,
  body: () => void,
): void {
  if (!reason) {
    describe(name, body);
  } else if (process.env.AIOFS_TEST_REQUIRE_ALL === '1') {
    test(`${name} can run`, () => {
      throw new Error(`${server}: ${reason} (AIOFS_TEST_REQUIRE_ALL=1 makes this a failure)`);
    });
  } else {
    console.warn(`\n*** SKIPPING ${name} (${server}: ${reason}) ***\n`);
    describe.skip(name, () => test('skipped', () => undefined));
  }
}

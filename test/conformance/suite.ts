import { handleCases } from './cases/handles.cases';
import { listingCases } from './cases/listing.cases';
import { lockCases } from './cases/locks.cases';
import { modeCases } from './cases/modes.cases';
import { pathCases } from './cases/paths.cases';
import { rangeCases } from './cases/ranges.cases';
import { transferCases } from './cases/transfer.cases';
import { versionCases } from './cases/versions.cases';
import { useContext, type ConformanceTarget } from './target';

/** The one behaviour suite of DESIGN §2–§4, run on every backend (unstorage-style). */
export function describeConformance(target: ConformanceTarget): void {
  const reason = target.unavailable?.();
  if (reason) {
    if (process.env.AIOFS_TEST_REQUIRE_ALL === '1') {
      test(`conformance: ${target.name} can run`, () => {
        throw new Error(
          `${target.name}: ${reason} (AIOFS_TEST_REQUIRE_ALL=1 makes this a failure)`,
        );
      });
    } else {
      console.warn(`\n*** SKIPPING the ${target.name} conformance suite: ${reason} ***\n`);
      describe.skip(`conformance: ${target.name} (${reason})`, () =>
        test('skipped', () => undefined));
    }
    return;
  }
  describe(`conformance: ${target.name}`, () => {
    const ctx = useContext(target);
    modeCases(ctx);
    handleCases(ctx);
    rangeCases(ctx);
    lockCases(ctx);
    listingCases(ctx);
    pathCases(ctx);
    transferCases(ctx);
    versionCases(ctx);
  });
}

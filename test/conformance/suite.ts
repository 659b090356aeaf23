import { handleCases } from './cases/handles.cases';
import { listingCases } from './cases/listing.cases';
import { lockCases } from './cases/locks.cases';
import { modeCases } from './cases/modes.cases';
import { pathCases } from './cases/paths.cases';
import { rangeCases } from './cases/ranges.cases';
import { transferCases } from './cases/transfer.cases';
import { versionCases } from './cases/versions.cases';
import { describeIfRunning } from '../support/describe-if-running';
import { useContext, type ConformanceTarget } from './target';

/** The one behaviour suite of DESIGN §2–§4, run on every backend (unstorage-style). */
export function describeConformance(target: ConformanceTarget): void {
  describeIfRunning(`conformance: ${target.name}`, target.name, target.unavailable?.(), () => {
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

// Served under a strict CSP (site_test.go's cspPolicies): no inline script, no
// eval; the runtime runs in the package's worker file where worker-src allows it.
import * as cw from '/dist/index.mjs';
import { report } from './report.js';

report(cw);

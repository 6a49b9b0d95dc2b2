// After the package was loaded from a CDN origin (cdn_test.go) as the global
// CognitoWasm (the script tag, or the ES module's namespace put there); its
// .wasm is fetched from the CDN with CORS.
import { report } from './report.js';

report(globalThis.CognitoWasm);

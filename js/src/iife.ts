// Entry of dist/cognito-wasm.js (the global CognitoWasm). The .wasm is looked up
// beside this script; document.currentScript is only set while it first runs.
import { setScriptURL } from './api';

setScriptURL(typeof document === 'undefined' ? undefined : (document.currentScript as HTMLScriptElement | null)?.src);

export * from './public';

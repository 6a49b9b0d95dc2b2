// Entry of dist/cognito-wasm.js (the global CognitoWasm). Its files are looked up
// beside this script; document.currentScript is only set while it first runs.
// From another origin (a CDN) the worker file cannot be started, and the loader
// falls back to a blob: Worker; the .wasm is then fetched from that origin (CORS).
import { setAssets } from './api';

const script = typeof document === 'undefined' ? undefined : (document.currentScript as HTMLScriptElement | null)?.src;
const base = () => script || globalThis.location?.href;

setAssets({
  wasmURL: () => new URL('cognito-wasm.wasm', base()).href,
  // A classic worker: the file has no module syntax, and classic workers run in
  // browsers that predate module workers.
  worker: () => new Worker(new URL('cognito-wasm-worker.js', base()), { name: 'cognito-wasm' }),
});

export * from './public';

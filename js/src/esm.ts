// Entry of dist/index.mjs. Both URLs are written the one way bundlers (Vite,
// webpack, Parcel, Next.js) recognise, `new URL('./file', import.meta.url)`
// literally, so they emit the .wasm and the worker file with the app and
// rewrite the URLs; unbundled, the files are found beside this module.
import { setAssets } from './api';

setAssets({
  wasmURL: () => new URL('./cognito-wasm.wasm', import.meta.url).href,
  worker: () => new Worker(new URL('./cognito-wasm-worker.js', import.meta.url), { type: 'module', name: 'cognito-wasm' }),
});

export * from './public';

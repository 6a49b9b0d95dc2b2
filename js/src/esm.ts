// Entry of dist/index.mjs. The .wasm is looked up beside this module.
import { setScriptURL } from './api';

setScriptURL(import.meta.url);

export * from './public';

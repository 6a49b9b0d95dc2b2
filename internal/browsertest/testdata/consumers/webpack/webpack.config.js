// webpack 5, production, no loaders or plugins: it follows the package's
// new URL(..., import.meta.url) for the .wasm and the worker by itself.
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  context: fileURLToPath(new URL('.', import.meta.url)),
  entry: '../shared/main.js',
  output: { path: fileURLToPath(new URL('dist', import.meta.url)), filename: 'main.js', clean: true },
};

// Rollup 4 resolves the package with @rollup/plugin-node-resolve; it leaves
// new URL(..., import.meta.url) alone, so the package's two files are copied
// beside the bundle (the recipe in js/README.md; see package.json).
import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: 'shared/main.js',
  output: { dir: 'rollup/dist', format: 'es' },
  plugins: [nodeResolve({ browser: true })],
};

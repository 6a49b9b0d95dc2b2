// Served under script-src 'self' 'wasm-unsafe-eval': no inline script, no eval,
// no blob: Worker (the loader falls back to running on the page).
import { configure, fetchDevices, listWebAuthnCredentials } from '/dist/index.mjs';

const out = document.getElementById('result');
try {
  const config = await (await fetch('/config.json')).json();
  await configure({ Auth: { Cognito: config } });
  const { credentials } = await listWebAuthnCredentials();
  const devices = await fetchDevices();
  out.textContent = JSON.stringify({
    credentials: credentials.map((c) => c.credentialId),
    devices: devices.map((d) => d.id),
    dates: credentials.every((c) => c.createdAt instanceof Date),
    wasmFetchedByPage: performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/cognito-wasm.wasm')).length,
  });
} catch (e) {
  out.textContent = JSON.stringify({ error: `${e.name}: ${e.message}` });
}
out.dataset.done = 'true';

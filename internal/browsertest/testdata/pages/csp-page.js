// Served under a strict CSP (site_test.go's cspPolicies): no inline script, no
// eval; the runtime runs in the package's worker file where worker-src allows it.
import { configure, fetchDevices, listWebAuthnCredentials } from '/dist/index.mjs';

const out = document.getElementById('result');
try {
  const config = await (await fetch('/config.json')).json();
  const { runtime } = await configure({ Auth: { Cognito: config } });
  const { credentials } = await listWebAuthnCredentials();
  const devices = await fetchDevices();
  out.textContent = JSON.stringify({
    runtime,
    credentials: credentials.map((c) => c.credentialId),
    devices: devices.map((d) => d.id),
    dates: credentials.every((c) => c.createdAt instanceof Date) && devices.every((d) => d.createDate instanceof Date),
  });
} catch (e) {
  out.textContent = JSON.stringify({ error: `${e.name}: ${e.message}` });
}
out.dataset.done = 'true';

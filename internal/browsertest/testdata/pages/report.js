// The CSP and CDN pages' one run: configure the package (cw: its exports) for
// the emulator's pool, list, and report into #result what it got and where
// the runtime ran (the shape of bundlers_test.go's consumerResult).
export async function report(cw) {
  const out = document.getElementById('result');
  try {
    const config = await (await fetch('/config.json')).json();
    const { runtime } = await cw.configure({ Auth: { Cognito: config } });
    const { credentials } = await cw.listWebAuthnCredentials();
    const devices = await cw.fetchDevices();
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
}

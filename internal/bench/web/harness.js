// Bench harness, inlined into every bench page after the library's <script>.
// window.__benchConfig is set by the page. The same code drives every client
// through a small adapter, so the pages differ only in the library they load.
(() => {
  'use strict';
  const C = window.__benchConfig;
  const auth = {
    Auth: { Cognito: { userPoolId: C.userPoolId, userPoolClientId: C.clientId, userPoolEndpoint: C.endpoint } },
  };

  // The session Amplify stored (or the harness stored the same way).
  function accessToken() {
    const p = 'CognitoIdentityServiceProvider.' + C.clientId;
    const user = localStorage.getItem(p + '.LastAuthUser');
    return user ? localStorage.getItem(p + '.' + user + '.accessToken') : null;
  }

  // The floor: the same request as the libraries make, with a bare fetch.
  // No cache: 'no-store' (Amplify sets it): Chromium skips its CORS
  // preflight cache for such requests, so each would cost a preflight.
  async function rawCall(op, body) {
    const res = await fetch(C.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.' + op,
      },
      body: JSON.stringify(body),
    });
    const out = await res.json();
    if (!res.ok) {
      const e = new Error(out.message || 'HTTP ' + res.status);
      e.name = out.__type || 'HTTPError';
      throw e;
    }
    return out;
  }

  const adapters = {
    amplify() {
      const A = window.RefAmplify;
      return {
        configure: async () => A.configure(auth),
        listCredentials: () => A.listWebAuthnCredentials(),
        listDevices: () => A.fetchDevices(),
        deleteCredential: (id) => A.deleteWebAuthnCredential({ credentialId: id }),
      };
    },
    sdk() {
      const S = window.RefSDKv3;
      let client;
      return {
        configure: async () => {
          client = new S.CognitoIdentityProviderClient({ region: C.region, endpoint: C.endpoint });
        },
        listCredentials: () => client.send(new S.ListWebAuthnCredentialsCommand({ AccessToken: accessToken() })),
        listDevices: () => client.send(new S.ListDevicesCommand({ AccessToken: accessToken(), Limit: 60 })),
        deleteCredential: (id) =>
          client.send(new S.DeleteWebAuthnCredentialCommand({ AccessToken: accessToken(), CredentialId: id })),
      };
    },
    wasm() {
      const W = window.CognitoWasm;
      return {
        configure: () => W.configure(auth, { worker: C.worker, wasmURL: C.wasmURL }),
        listCredentials: () => W.listWebAuthnCredentials(),
        listDevices: () => W.fetchDevices(),
        deleteCredential: (id) => W.deleteWebAuthnCredential({ credentialId: id }),
      };
    },
    fetch() {
      return {
        configure: async () => {},
        listCredentials: () => rawCall('ListWebAuthnCredentials', { AccessToken: accessToken() }),
        listDevices: () => rawCall('ListDevices', { AccessToken: accessToken(), Limit: 60 }),
        deleteCredential: (id) => rawCall('DeleteWebAuthnCredential', { AccessToken: accessToken(), CredentialId: id }),
      };
    },
  };

  // JSON with Dates kept recognisable ({"$date": ms}) and undefined dropped,
  // so the Go side can check types as well as values.
  function encode(v) {
    if (v instanceof Date) return { $date: v.getTime() };
    if (Array.isArray(v)) return v.map(encode);
    if (v && typeof v === 'object') {
      const o = {};
      for (const k of Object.keys(v)) if (v[k] !== undefined) o[k] = encode(v[k]);
      return o;
    }
    return v;
  }

  function describe(e) {
    if (e && typeof e === 'object') {
      return { name: String(e.name), message: String(e.message), isError: e instanceof Error };
    }
    return { name: 'thrown', message: String(e), isError: false };
  }

  const B = (window.bench = { config: C, marks: {}, encode, describe, accessToken });
  if (C.lib) {
    B.lib = adapters[C.lib]();
    B.finished = (async () => {
      await B.lib.configure();
      B.marks.configured = performance.now();
      const first = await B.lib.listCredentials();
      B.marks.first = performance.now();
      performance.mark('bench-first');
      // Where the time went: what the page loaded from its own origin
      // (scripts, the wasm in page mode; a worker's requests are not here).
      const resources = performance
        .getEntriesByType('resource')
        .filter((r) => r.name.startsWith(location.origin + '/') && !r.name.endsWith('/favicon.ico'))
        .map((r) => ({
          url: r.name,
          start: r.startTime,
          responseEnd: r.responseEnd,
          transferSize: r.transferSize,
          encodedBodySize: r.encodedBodySize,
        }));
      return { marks: B.marks, first: JSON.stringify(encode(first)), resources };
    })().catch((e) => ({ error: describe(e) }));
  }

  // n sequential calls of one operation; durations in ms.
  B.time = async (op, n, arg) => {
    const d = new Array(n);
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await B.lib[op](arg);
      d[i] = performance.now() - t;
    }
    return d;
  };
  // One timed delete per id.
  B.timeDeletes = async (ids) => {
    const d = [];
    for (const id of ids) {
      const t = performance.now();
      await B.lib.deleteCredential(id);
      d.push(performance.now() - t);
    }
    return d;
  };
  // n sequential calls taking turns over ops, untimed (memory phase);
  // returns the total ms.
  B.repeat = async (ops, n) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) await B.lib[ops[i % ops.length]]();
    return performance.now() - t;
  };
  // One call; the result as JSON text of {v: result} (no v for undefined).
  B.call = async (op, arg) => JSON.stringify({ v: encode(await B.lib[op](arg)) });
  // Switches the page to another adapter (the fidelity page holds several).
  B.use = async (lib) => {
    B.lib = adapters[lib]();
    await B.lib.configure();
  };
})();

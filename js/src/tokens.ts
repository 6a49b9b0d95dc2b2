// The token source. It runs on the page's main thread in both modes: the app's
// provider and the page's localStorage live there.
import type { ConfigureOptions } from './index';
import type { TokenSource } from './channel';

// Amplify v6's default token store (its DefaultTokenStore over localStorage).
const keyPrefix = 'CognitoIdentityServiceProvider';

export function tokenSource(provider: ConfigureOptions['tokenProvider'], clientId: string): TokenSource {
  if (typeof provider === 'function') {
    // forceRefresh is passed along for providers that can use it.
    return async (forceRefresh) => (await (provider as (o: { forceRefresh: boolean }) => Promise<string | null>)({ forceRefresh })) || null;
  }
  if (provider && typeof provider.getTokens === 'function') {
    return async (forceRefresh) => {
      const tokens = await provider.getTokens({ forceRefresh });
      return tokens?.accessToken?.toString() || null;
    };
  }
  // Amplify refreshes tokens itself and writes them back; reading storage again is
  // all a forced refresh can do here (the module never signs in on its own).
  return async () => readAmplifyStorage(clientId);
}

function readAmplifyStorage(clientId: string): string | null {
  try {
    const storage = globalThis.localStorage;
    const user = storage.getItem(`${keyPrefix}.${clientId}.LastAuthUser`);
    if (!user) return null;
    return storage.getItem(`${keyPrefix}.${clientId}.${user}.accessToken`) || null;
  } catch {
    return null; // no storage (opaque origin, blocked third-party storage)
  }
}

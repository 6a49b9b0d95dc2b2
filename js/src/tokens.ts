// The token source and Amplify's device metadata. They run on the page's main
// thread in both modes: the app's provider and the page's localStorage live there.
import type { ConfigureOptions } from './index';
import type { DeviceMetadataSource, TokenSource } from './channel';

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

/** The part of Amplify's TokenOrchestrator that holds the device metadata. */
interface AmplifyTokenOrchestrator {
  getDeviceMetadata(): Promise<{ deviceKey?: string } | null>;
  clearDeviceMetadata(): Promise<void>;
}

const deviceKeyNames = ['deviceKey', 'deviceGroupKey', 'randomPasswordKey'] as const;

/**
 * Amplify v6's device metadata: with Amplify's own token provider
 * (`cognitoUserPoolsTokenProvider`), its token orchestrator, which knows the
 * storage Amplify was given; otherwise Amplify's default localStorage keys
 * `CognitoIdentityServiceProvider.<clientId>.<username>.{deviceKey,deviceGroupKey,randomPasswordKey}`.
 * As in Amplify, there is a current device only when all three are stored.
 */
export function deviceMetadata(provider: ConfigureOptions['tokenProvider'], clientId: string): DeviceMetadataSource {
  const orchestrator = (provider as { tokenOrchestrator?: Partial<AmplifyTokenOrchestrator> } | undefined)?.tokenOrchestrator;
  if (
    orchestrator &&
    typeof orchestrator.getDeviceMetadata === 'function' &&
    typeof orchestrator.clearDeviceMetadata === 'function'
  ) {
    const amplify = orchestrator as AmplifyTokenOrchestrator;
    return {
      getDeviceKey: async () => (await amplify.getDeviceMetadata())?.deviceKey || null,
      clearDeviceMetadata: () => amplify.clearDeviceMetadata(),
    };
  }
  return {
    getDeviceKey: async () => {
      const keys = deviceStorageKeys(clientId);
      if (!keys) return null;
      const [deviceKey, groupKey, password] = keys.map((key) => storage()?.getItem(key));
      return deviceKey && groupKey && password ? deviceKey : null;
    },
    clearDeviceMetadata: async () => {
      for (const key of deviceStorageKeys(clientId) ?? []) storage()?.removeItem(key);
    },
  };
}

function deviceStorageKeys(clientId: string): string[] | undefined {
  const user = storage()?.getItem(`${keyPrefix}.${clientId}.LastAuthUser`);
  return user ? deviceKeyNames.map((name) => `${keyPrefix}.${clientId}.${user}.${name}`) : undefined;
}

/** localStorage, or undefined where the page may not use it. */
function storage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined; // opaque origin, blocked third-party storage
  }
}

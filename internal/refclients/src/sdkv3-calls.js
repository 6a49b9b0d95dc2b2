// Only what the benchmark measures: the client and the three commands
// cognito-wasm replaces. Exposed as window.RefSDKv3, a subset of sdkv3.js.
import {
  CognitoIdentityProviderClient,
  ListWebAuthnCredentialsCommand,
  DeleteWebAuthnCredentialCommand,
  ListDevicesCommand,
} from '@aws-sdk/client-cognito-identity-provider';

globalThis.RefSDKv3 = {
  CognitoIdentityProviderClient,
  ListWebAuthnCredentialsCommand,
  DeleteWebAuthnCredentialCommand,
  ListDevicesCommand,
};

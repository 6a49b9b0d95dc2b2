// Amplify v6 as an application uses it: configure, sign in with
// USER_PASSWORD_AUTH, the passkey and device calls, and the token provider that
// issue 8's interop test hands to cognito-wasm, and what the session tests of
// issue 12 compare with. Exposed as window.RefAmplify.
import { Amplify } from 'aws-amplify';
import {
  signIn,
  signOut,
  fetchAuthSession,
  listWebAuthnCredentials,
  deleteWebAuthnCredential,
  fetchDevices,
  associateWebAuthnCredential,
} from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { CookieStorage } from 'aws-amplify/utils';
import { configure } from './amplify-configure.js';

globalThis.RefAmplify = {
  configure,
  // USER_PASSWORD_AUTH unless the caller says otherwise: the emulator has no SRP.
  signIn: (input) =>
    signIn({ ...input, options: { authFlowType: 'USER_PASSWORD_AUTH', ...(input && input.options) } }),
  signOut,
  fetchAuthSession,
  listWebAuthnCredentials,
  deleteWebAuthnCredential,
  fetchDevices,
  associateWebAuthnCredential,
  cognitoUserPoolsTokenProvider,
  Amplify,
  // The storage of Amplify.configure(config, { ssr: true }), for the session tests.
  CookieStorage,
};

import type { AuthErrorParams } from './index';

/** Amplify v6's AuthError: every rejection of this package is one. */
export class AuthError extends Error {
  recoverySuggestion?: string;
  underlyingError?: Error | unknown;
  metadata?: { httpStatusCode?: number; requestId?: string };

  constructor({ name, message, recoverySuggestion, underlyingError, metadata }: AuthErrorParams) {
    super(message);
    this.name = name;
    this.recoverySuggestion = recoverySuggestion;
    this.underlyingError = underlyingError;
    this.metadata = metadata;
  }
}

export const notConfigured = () =>
  new AuthError({
    name: 'AuthUserPoolException',
    message: 'Auth UserPool not configured.',
    recoverySuggestion: 'Make sure to call configure() with Auth.Cognito.userPoolId and userPoolClientId.',
  });

/** The same name and message as the Go side's, for an abort seen before the call reached it. */
export const aborted = (reason: unknown) =>
  new AuthError({
    name: 'AbortError',
    message: 'The operation was aborted.',
    underlyingError: reason,
  });

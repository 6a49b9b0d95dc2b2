package auth

import (
	"errors"
)

// Amplify's passkey error names (PasskeyErrorCode), the ones
// associateWebAuthnCredential raises, plus AmplifyErrorCode.Unknown for a
// ceremony failure it does not recognise.
const (
	NamePasskeyNotSupported               = "PasskeyNotSupported"
	NamePasskeyAlreadyExists              = "PasskeyAlreadyExists"
	NameInvalidPasskeyRegistrationOptions = "InvalidPasskeyRegistrationOptions"
	NameRelyingPartyMismatch              = "RelyingPartyMismatch"
	NamePasskeyRegistrationFailed         = "PasskeyRegistrationFailed"
	NamePasskeyRegistrationCanceled       = "PasskeyRegistrationCanceled"
	NamePasskeyOperationAborted           = "PasskeyOperationAborted"
	NamePasskeyUnknown                    = "Unknown"
)

const (
	abortOrCancelRecovery    = "User may have canceled the ceremony or another interruption has occurred. Check underlying error for details."
	misconfigurationRecovery = "Ensure your user pool is configured to support the WEB_AUTHN as an authentication factor."
	notSupportedRecovery     = "Passkeys may not be supported on this device. Ensure your application is running in a secure context (HTTPS) and Web Authentication API is supported."
)

// passkeyErrors are Amplify's messages and recovery suggestions.
var passkeyErrors = map[string]struct{ message, recovery string }{
	NamePasskeyNotSupported:               {"Passkeys may not be supported on this device.", notSupportedRecovery},
	NameInvalidPasskeyRegistrationOptions: {"Invalid passkey registration options.", misconfigurationRecovery},
	NamePasskeyRegistrationFailed:         {"Device failed to create passkey.", notSupportedRecovery},
	NamePasskeyAlreadyExists:              {"Passkey already exists in authenticator.", "Proceed with existing passkey or try again after deleting the credential."},
	NamePasskeyRegistrationCanceled:       {"Passkey registration ceremony has been canceled.", abortOrCancelRecovery},
	NamePasskeyOperationAborted:           {"Passkey operation has been aborted.", abortOrCancelRecovery},
	NameRelyingPartyMismatch:              {"Relying party does not match current domain.", "Ensure relying party identifier matches current domain."},
}

// PasskeyError is Amplify's PasskeyError of that name; cause becomes its
// underlyingError.
func PasskeyError(name string, cause error) *Error {
	e, ok := passkeyErrors[name]
	if !ok {
		return &Error{Name: NamePasskeyUnknown, Message: "An unknown error has occurred.", Underlying: cause}
	}
	return &Error{Name: name, Message: e.message, RecoverySuggestion: e.recovery, Underlying: cause}
}

// PasskeyRegistrationError is Amplify's handlePasskeyRegistrationError: the
// WebAuthn ceremony failed with err, whose name is the DOMException's
// (InvalidStateError: an excluded credential is on the authenticator;
// NotAllowedError: canceled, timed out or no authenticator; AbortError;
// SecurityError: the relying party is not the page's domain), or one of
// PasskeyNotSupported and PasskeyRegistrationFailed, which the loader raises
// where Amplify's own assertions do (they carry no underlying error).
func PasskeyRegistrationError(err error) *Error {
	var e *Error
	if !errors.As(err, &e) {
		return PasskeyError(NamePasskeyUnknown, err)
	}
	cause := domError{name: e.Name, message: e.Message}
	switch e.Name {
	case NamePasskeyNotSupported, NamePasskeyRegistrationFailed:
		return PasskeyError(e.Name, nil)
	case "InvalidStateError":
		return PasskeyError(NamePasskeyAlreadyExists, cause)
	case "NotAllowedError":
		return PasskeyError(NamePasskeyRegistrationCanceled, cause)
	case "AbortError":
		return PasskeyError(NamePasskeyOperationAborted, cause)
	case "SecurityError":
		return PasskeyError(NameRelyingPartyMismatch, cause)
	}
	return PasskeyError(NamePasskeyUnknown, cause)
}

// domError is a browser exception as an underlying error: its name and
// message, as Amplify's underlyingError shows them.
type domError struct{ name, message string }

func (d domError) Error() string     { return d.message }
func (d domError) ErrorName() string { return d.name }

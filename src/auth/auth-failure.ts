import { authRefusalReasons, type AuthRefusalReason, type ErrorCode } from '../errors/index.js';

/** Why a credential was refused: a reason of the catalogue, never the credential itself. */
export class AuthFailure extends Error {
  /** UNAUTHENTICATED (401), BAD_REQUEST or AUTH_UNAVAILABLE, from the catalogue. */
  readonly code: ErrorCode;

  constructor(
    readonly reason: AuthRefusalReason,
    message: string = authRefusalReasons[reason].message,
  ) {
    super(message);
    this.code = authRefusalReasons[reason].code;
  }
}

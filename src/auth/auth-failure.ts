/** Why a credential was refused: a stable reason for clients and logs, never the credential itself. */
export class AuthFailure extends Error {
  constructor(readonly reason: string, message: string, readonly status: 401 | 400 | 503 = 401) {
    super(message);
  }
}

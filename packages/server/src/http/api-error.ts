/**
 * An error a client can act on: its status, a stable code for scripts, and a message that says
 * what was wrong and what to do. Every error response has the body `{ error: { code, message } }`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, 'bad-request', message);

export const unauthorized = (
  message = 'sign in, or send a valid device token as "Authorization: Bearer <token>"',
): ApiError => new ApiError(401, 'unauthorized', message);

/** Things that do not exist and things the caller may not see answer the same: existence is not leaked. */
export const notFound = (what: string): ApiError =>
  new ApiError(404, 'not-found', `no ${what} here`);

export const forbidden = (message: string): ApiError => new ApiError(403, 'forbidden', message);

export const tooLarge = (message: string): ApiError => new ApiError(413, 'too-large', message);

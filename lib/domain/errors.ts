/**
 * The typed errors of the whole app. Each carries what a caller needs; HTTP statuses are
 * assigned in exactly one place (lib/edges/http-errors.ts).
 */
export class EchobotError extends Error {
  override readonly name: string = 'EchobotError';
}

/** The request is malformed: missing fields, bad encoding. */
export class BadRequestError extends EchobotError {
  override readonly name = 'BadRequestError';
}

/** The request is not signed the provider's way. */
export class ForbiddenError extends EchobotError {
  override readonly name = 'ForbiddenError';
}

/** No credentials, or the wrong ones (the operator's bearer token). */
export class UnauthorizedError extends EchobotError {
  override readonly name = 'UnauthorizedError';
}

export class NotFoundError extends EchobotError {
  override readonly name = 'NotFoundError';
}

export class MethodNotAllowedError extends EchobotError {
  override readonly name = 'MethodNotAllowedError';
}

export class PayloadTooLargeError extends EchobotError {
  override readonly name = 'PayloadTooLargeError';
}

export class UnsupportedMediaTypeError extends EchobotError {
  override readonly name = 'UnsupportedMediaTypeError';
}

/** A send that will never succeed (invalid number, carrier opt-out): not retried. */
export class PermanentSendError extends EchobotError {
  override readonly name = 'PermanentSendError';
  constructor(
    message: string,
    readonly reason: 'invalid-address' | 'opted-out' | 'rejected',
  ) {
    super(message);
  }
}

/** A dependency is briefly unavailable (a peer's key could not be fetched): the caller should retry. */
export class UnavailableError extends EchobotError {
  override readonly name: string = 'UnavailableError';
  constructor(
    message: string,
    /** Sent as `Retry-After` when set. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** A conditional write lost a race with a concurrent update of the same peer: retry the request. */
export class ConcurrentUpdateError extends UnavailableError {
  override readonly name = 'ConcurrentUpdateError';
  constructor(message: string) {
    super(message, 1);
  }
}

/** No recipient of a job could be reached: the whole message is retried by the queue. */
export class JobFailedError extends EchobotError {
  override readonly name = 'JobFailedError';
}

/**
 * A peer answered but asked us to come back later (408, 429, 503): it is alive, so the job is
 * retried without routing around it (lib/usecases/peer-failover.ts marks only silent or broken peers down).
 */
export class PeerBusyError extends EchobotError {
  override readonly name = 'PeerBusyError';
}

/** A peer stayed unreachable for every attempt: the queue moves the job to the DLQ. */
export class PeerUnreachableError extends EchobotError {
  override readonly name = 'PeerUnreachableError';
}

/**
 * Errors of the REST client, in a module of their own so that the model can be
 * unit-tested without JupyterLab's ES-module packages.
 */

/**
 * An HTTP error answer (or a network failure, with `status` 0) from the REST API.
 */
export class MMApiError extends Error {
  /**
   * @param status - HTTP status, 0 for a network error.
   * @param message - Message from the server's `{"message": ...}` or a summary.
   * @param body - The server's JSON error body, when it sent one.
   */
  constructor(
    readonly status: number,
    message: string,
    readonly body: Readonly<Record<string, unknown>> | null = null
  ) {
    super(message);
    this.name = 'MMApiError';
  }

  /** Whether the server answered 404 or could not be reached at all. */
  get isMissing(): boolean {
    return this.status === 404 || this.status === 0;
  }
}

/** The message of an error, for a notice. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Whether `err` is the server's 404 answer. */
export function isNotFound(err: unknown): err is MMApiError {
  return err instanceof MMApiError && err.status === 404;
}

/**
 * The message of a failed load: a 404 says the thing is gone, anything else
 * says what could not be loaded and why.
 *
 * @param err - What the request threw.
 * @param notFound - The message of a 404.
 * @param failed - What could not be done (`Cannot load run 3`).
 */
export function loadErrorText(
  err: unknown,
  notFound: (err: MMApiError) => string,
  failed: string
): string {
  return isNotFound(err) ? notFound(err) : `${failed}: ${errorMessage(err)}`;
}

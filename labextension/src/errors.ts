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

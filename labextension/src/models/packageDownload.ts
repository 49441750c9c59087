/**
 * Downloading a model version's package (`GET .../package.zip`, issue 17): the
 * answer's body read chunk by chunk for a progress figure, the file name, and
 * the words of a failure. No React, no JupyterLab: unit-tested on their own.
 */
import { downloadName } from '../shared/download';
import { errorMessage, MMApiError } from '../shared/errors';
import { formatBytes } from '../shared/format';

/** How far a download is. */
export interface IProgress {
  /** Bytes received so far. */
  received: number;
  /** Bytes in all (`Content-Length`), or null when the server did not say. */
  total: number | null;
}

/** The size the server announced, or null. */
function announcedSize(response: Response): number | null {
  const header = response.headers.get('Content-Length');
  const n = header === null ? NaN : Number(header);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/**
 * Read a response's body into a Blob, reporting progress after each chunk.
 *
 * @param response - An answer with a 2xx status.
 * @param onProgress - Called with the bytes so far.
 */
export async function readWithProgress(
  response: Response,
  onProgress: (progress: IProgress) => void = () => undefined
): Promise<Blob> {
  const total = announcedSize(response);
  const type = response.headers.get('Content-Type') ?? 'application/zip';
  const reader = response.body?.getReader();
  if (!reader) {
    const blob = await response.blob();
    onProgress({ received: blob.size, total });
    return blob;
  }
  const chunks: BlobPart[] = [];
  let received = 0;
  onProgress({ received, total });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    // A copy on an ArrayBuffer of its own (a stream's chunk may be a view).
    chunks.push(new Uint8Array(value));
    received += value.byteLength;
    onProgress({ received, total });
  }
  return new Blob(chunks, { type });
}

/**
 * Fetch a package and read it with progress. Errors (the server's 4xx/5xx, a
 * broken connection) propagate: see {@link packageErrorText}.
 */
export async function fetchPackage(
  request: () => Promise<Response>,
  onProgress?: (progress: IProgress) => void
): Promise<Blob> {
  return readWithProgress(await request(), onProgress);
}

/** The progress as words: `1.2 MB of 3.4 MB (35 %)`, or `1.2 MB`. */
export function progressText(progress: IProgress): string {
  const got = formatBytes(progress.received);
  if (progress.total === null || progress.total <= 0) {
    return got;
  }
  const pct = Math.min(
    100,
    Math.floor((100 * progress.received) / progress.total)
  );
  return `${got} of ${formatBytes(progress.total)} (${pct} %)`;
}

/** The file a package is saved as: `churn-clf-4.zip`. */
export function packageFileName(name: string, version: number): string {
  return downloadName(`${name}-${version}.zip`, `model-${version}.zip`);
}

/**
 * Why a package could not be downloaded, for the user: the server's own message,
 * with what a status means when it is not obvious from it.
 */
export function packageErrorText(err: unknown): string {
  const message = errorMessage(err);
  if (!(err instanceof MMApiError)) {
    return `Download interrupted: ${message}`;
  }
  switch (err.status) {
    case 0:
      return message;
    case 413:
      return `The package is over the server's size cap: ${message}`;
    case 404:
      return `Not found: ${message}`;
    default:
      return err.status >= 500
        ? `The server could not build the package: ${message}`
        : message;
  }
}

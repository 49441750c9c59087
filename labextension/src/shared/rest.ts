/**
 * The transport of the mm-jupyter REST API (`/mm-jupyter/api/`, see docs/rest.md):
 * URLs, requests, errors and JSON. Each feature's `api.ts` names its endpoints
 * on top of it, and decodes their answers.
 *
 * Every request goes through `ServerConnection.makeRequest`, which adds the token and
 * the XSRF header.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { isObject } from './decode';
import { MMApiError } from './errors';

/** Query parameters of a request; undefined and empty values are left out. */
export type Query = Record<string, string | number | undefined>;

/**
 * Encode one path segment; `.` and `..` too, which URL joining would resolve.
 */
function encodeSegment(segment: string): string {
  const encoded = encodeURIComponent(segment);
  return /^\.+$/.test(encoded) ? encoded.replace(/\./g, '%2E') : encoded;
}

/**
 * Client of the mm-jupyter REST API: requests by path, answers as JSON or bytes.
 */
export class RestClient {
  /**
   * @param settings - Server connection settings; defaults to the page's.
   */
  constructor(settings?: ServerConnection.ISettings) {
    this._settings = settings ?? ServerConnection.makeSettings();
  }

  /** Build the absolute URL of an API path with a query string. */
  url(path: string[], query: Query = {}): string {
    const base = URLExt.join(
      this._settings.baseUrl,
      'mm-jupyter',
      'api',
      ...path.map(encodeSegment)
    );
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== '') {
        params[k] = String(v);
      }
    }
    return base + URLExt.objectToQueryString(params);
  }

  /** `GET` a path and decode its JSON answer. */
  async get<T>(
    path: string[],
    decode: (v: unknown) => T,
    query: Query = {}
  ): Promise<T> {
    return decode(await this.json(path, query));
  }

  /** `POST` a JSON body to a path and decode its JSON answer. */
  async post<T>(
    path: string[],
    body: unknown,
    decode: (v: unknown) => T
  ): Promise<T> {
    return decode(
      await this.json(
        path,
        {},
        {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { 'Content-Type': 'application/json' }
        }
      )
    );
  }

  /**
   * Send a request. A failure to reach the server, and any answer but 2xx, is an
   * {@link MMApiError} (with the server's `message` when it sent one).
   */
  async request(
    path: string[],
    query: Query = {},
    init: RequestInit = { method: 'GET' }
  ): Promise<Response> {
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        this.url(path, query),
        init,
        this._settings
      );
    } catch (err) {
      throw new MMApiError(
        0,
        `Cannot reach the Jupyter server: ${String(err)}`
      );
    }
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      let errorBody: Record<string, unknown> | null = null;
      try {
        const body: unknown = await response.json();
        if (isObject(body)) {
          errorBody = body;
          if (typeof body.message === 'string' && body.message) {
            message = body.message;
          }
        }
      } catch {
        // Not JSON (e.g. tornado's HTML 404 page): keep the status line.
      }
      throw new MMApiError(response.status, message, errorBody);
    }
    return response;
  }

  /** Send a request and parse its answer as JSON (not yet decoded). */
  async json(
    path: string[],
    query: Query = {},
    init?: RequestInit
  ): Promise<unknown> {
    const response = await this.request(path, query, init);
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new MMApiError(response.status, 'The server sent invalid JSON');
    }
  }

  private _settings: ServerConnection.ISettings;
}

/**
 * The blob store every feature's views read (run outputs, artifact files).
 */
export interface IBlobApi {
  /** `GET blobs/{digest}`: raw bytes of a blob. */
  blob(digest: string): Promise<Blob>;
}

/** The blob calls of {@link IBlobApi} over a client. */
export function blobApi(client: RestClient): IBlobApi {
  return {
    blob: async digest => (await client.request(['blobs', digest])).blob()
  };
}

/**
 * Typed requests to the mm-jupyter REST API (`/mm-jupyter/api/`, see docs/rest.md).
 *
 * Every request goes through `ServerConnection.makeRequest`, which adds the token and
 * the XSRF header. Responses are decoded from `unknown` by the `*Decode.ts` modules.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import {
  decodeArtifactDetail,
  decodeArtifactList,
  decodeLineage
} from './artifacts/decode';
import { isObject } from './shared/decode';
import { decodeRunDiff } from './diff/decode';
import { Diff } from './diff/types';
import { MMApiError } from './shared/errors';
import {
  decodeModelDetail,
  decodeModelList,
  decodeModelVersionDetail
} from './models/decode';
import {
  decodeMonitorDetail,
  decodeMonitorList,
  decodeSeriesList
} from './monitoring/decode';
import { Mon } from './monitoring/types';
import {
  decodeChanges,
  decodeKeys,
  decodeMeta,
  decodeRunDetail,
  decodeRunList
} from './runs/decode';
import * as MM from './mm';

export { MMApiError };

type Query = Record<string, string | number | undefined>;

/**
 * Encode one path segment; `.` and `..` too, which URL joining would resolve.
 */
function encodeSegment(segment: string): string {
  const encoded = encodeURIComponent(segment);
  return /^\.+$/.test(encoded) ? encoded.replace(/\./g, '%2E') : encoded;
}

/**
 * Client of the mm-jupyter REST API.
 */
export class MMApi {
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

  /** `GET meta`: version handshake and registry location. */
  async meta(): Promise<MM.IMeta> {
    return decodeMeta(await this._json(['meta']));
  }

  /** `GET runs`: one page of runs. */
  async runs(query: MM.IRunQuery): Promise<MM.IRunList> {
    return decodeRunList(
      await this._json(['runs'], {
        q: query.q.trim(),
        experiment: query.experiment,
        status: query.status,
        sort: query.sort,
        order: query.order,
        limit: query.limit,
        offset: query.offset
      })
    );
  }

  /** `GET keys`: experiments, metric and param keys. */
  async keys(): Promise<MM.IKeys> {
    return decodeKeys(await this._json(['keys']));
  }

  /** `GET runs/{id}`: everything about one run. */
  async run(id: string): Promise<MM.IRunDetail> {
    return decodeRunDetail(await this._json(['runs', id]));
  }

  /** `GET changes?since=N`: cheap change cursor. */
  async changes(since: number): Promise<MM.IChanges> {
    return decodeChanges(await this._json(['changes'], { since }));
  }

  /** `GET artifacts`: one page of artifacts. */
  async artifacts(query: MM.IArtifactQuery): Promise<MM.IArtifactList> {
    return decodeArtifactList(
      await this._json(['artifacts'], {
        q: query.q.trim(),
        kind: query.kind,
        limit: query.limit,
        offset: query.offset
      })
    );
  }

  /** `GET artifacts/{name}/versions`: an artifact with its versions, newest first. */
  async artifactVersions(name: string): Promise<MM.IArtifactDetail> {
    return decodeArtifactDetail(
      await this._json(['artifacts', name, 'versions'])
    );
  }

  /** `GET lineage?run=ID` or `?version=NAME:vN`: the graph around a run or version. */
  async lineage(root: MM.LineageRoot, depth?: number): Promise<MM.ILineage> {
    return decodeLineage(
      await this._json(['lineage'], {
        run: root.kind === 'run' ? root.id : undefined,
        version: root.kind === 'version' ? root.ref : undefined,
        depth
      })
    );
  }

  /** `GET models`: one page of registered models. */
  async models(query: MM.IModelQuery): Promise<MM.IModelList> {
    return decodeModelList(
      await this._json(['models'], {
        q: query.q.trim(),
        limit: query.limit,
        offset: query.offset
      })
    );
  }

  /** `GET models/{name}`: a model with its versions, history and metric trend. */
  async model(name: string): Promise<MM.IModelDetail> {
    return decodeModelDetail(await this._json(['models', name]));
  }

  /** `GET models/{name}/versions/{v}`: one version with its transitions. */
  async modelVersion(
    name: string,
    version: number
  ): Promise<MM.IModelVersionDetail> {
    return decodeModelVersionDetail(
      await this._json(['models', name, 'versions', String(version)])
    );
  }

  /**
   * `POST models/{name}/versions/{v}/transition`: change a version's stage or
   * aliases. Replies with the updated version; a 409 (alias held elsewhere,
   * `move` false) is an {@link MMApiError} with `status` 409.
   */
  async transition(
    name: string,
    version: number,
    body: MM.TransitionRequest
  ): Promise<MM.IModelVersionDetail> {
    return decodeModelVersionDetail(
      await this._json(
        ['models', name, 'versions', String(version), 'transition'],
        {},
        {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { 'Content-Type': 'application/json' }
        }
      )
    );
  }

  /** `GET diff?a=&b=`: what changed from run a to run b. */
  async diff(a: string, b: string, volatile = false): Promise<Diff.IRunDiff> {
    return decodeRunDiff(
      await this._json(['diff'], { a, b, volatile: volatile ? 1 : undefined })
    );
  }

  /** `GET monitoring`: monitored versions, and the firing alerts of every model. */
  async monitoring(
    query: Partial<Mon.IMonitorQuery> = {}
  ): Promise<Mon.IMonitorList> {
    return decodeMonitorList(
      await this._json(['monitoring'], {
        limit: query.limit,
        offset: query.offset
      })
    );
  }

  /** `GET monitoring/{ref}`: status, rules, alerts and last report of a version. */
  async monitor(ref: string): Promise<Mon.IMonitorDetail> {
    return decodeMonitorDetail(await this._json(['monitoring', ref]));
  }

  /** `GET monitoring/{ref}/series?pattern=`: points and thresholds of matching series. */
  async monitorSeries(
    ref: string,
    query: Mon.ISeriesQuery = {}
  ): Promise<Mon.ISeriesList> {
    return decodeSeriesList(
      await this._json(['monitoring', ref, 'series'], {
        pattern: query.pattern,
        limit: query.limit
      })
    );
  }

  /** `GET blobs/{digest}`: raw bytes of a blob. */
  async blob(digest: string): Promise<Blob> {
    const response = await this._request(['blobs', digest]);
    return response.blob();
  }

  private async _request(
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

  private async _json(
    path: string[],
    query: Query = {},
    init?: RequestInit
  ): Promise<unknown> {
    const response = await this._request(path, query, init);
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new MMApiError(response.status, 'The server sent invalid JSON');
    }
  }

  private _settings: ServerConnection.ISettings;
}

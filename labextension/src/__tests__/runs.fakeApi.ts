/**
 * A fake REST client and the models the runs-state tests build on it (not a
 * test file itself: `node --test` runs only `*.test.js`).
 */
import { ArtifactsModel } from '../artifacts/state';
import { RunsModel } from '../runs/state';
import { ModelsModel } from '../models/state';
import * as MM from '../mm';
import { IRunsApi } from '../runs/api';
import { runSummary } from './fixtures';

export const META: MM.IMeta = {
  name: 'mm-jupyter',
  version: '0.1.0',
  api_version: 1,
  registry: { path: '/abs/.mm', source: 'env' },
  schema_version: 1,
  backend: null
};

export const sleep = (ms: number): Promise<void> =>
  new Promise(resolve => setTimeout(resolve, ms));

/** A fake REST client: canned answers, and a log of the calls. */
export class FakeApi implements IRunsApi {
  meta = async (): Promise<MM.IMeta> => {
    this.calls.push('meta');
    if (this.metaError) {
      throw this.metaError;
    }
    return this.metaAnswer;
  };
  runs = async (
    query: MM.IRunQuery,
    cursor?: string | null
  ): Promise<MM.IRunList> => {
    this.runCursors.push(cursor ?? null);
    // A cursor names the offset it leads to (the server's are opaque).
    const offset = cursor ? Number(cursor.slice(1)) : query.offset;
    const { limit } = query;
    const page = this.page('runs', query, this.queries, null, this.total, {
      runs: [runSummary(`${query.q || 'run'}-${offset}`)],
      next_cursor: offset + limit < this.total ? `n${offset + limit}` : null,
      prev_cursor: offset > 0 ? `p${Math.max(0, offset - limit)}` : null
    }).then(p => ({ ...p, offset }));
    const delay = this.runDelays.shift() ?? 0;
    if (delay) {
      await sleep(delay);
    }
    return page;
  };
  keys = async (): Promise<MM.IKeys> => {
    this.calls.push('keys');
    return {
      experiments: ['e'],
      metrics: ['acc', 'loss', 'f1'],
      params: [],
      metric_counts: {},
      varying_params: [],
      tag_keys: [],
      directions: {}
    };
  };
  changes = async (since: number): Promise<MM.IChanges> => {
    this.calls.push(`changes:${since}`);
    return { cursor: this.cursor, changed: this.cursor !== since, firing: 0 };
  };
  run = async (): Promise<MM.IRunDetail> => {
    throw new Error('not used');
  };
  report = async (): Promise<MM.IReport> => {
    throw new Error('not used');
  };
  registerModel = async (): Promise<MM.IRegisteredVersion> => {
    throw new Error('not used');
  };
  artifacts = (query: MM.IArtifactQuery): Promise<MM.IArtifactList> =>
    this.page(
      'artifacts',
      query,
      this.artifactQueries,
      this.artifactsError,
      70,
      {
        artifacts: [
          {
            name: `${query.q || 'artifact'}-${query.kind}-${query.offset}`,
            kind: query.kind || 'dataset',
            description: '',
            tags: {},
            created_at: null,
            n_versions: 1,
            aliases: {},
            latest: null
          }
        ]
      }
    );
  models = (query: MM.IModelQuery): Promise<MM.IModelList> =>
    this.page('models', query, this.modelQueries, this.modelsError, 3, {
      models: [
        {
          name: `${query.q || 'model'}-${query.offset}`,
          description: '',
          owner: '',
          tags: {},
          created_at: null,
          updated_at: null,
          n_versions: 2,
          latest: null,
          stages: { production: [2] },
          aliases: { champion: 2 }
        }
      ]
    });

  /** Log a paged call, then fail with `error` or answer a page of `items`. */
  async page<Q extends { offset: number; limit: number }, I extends object>(
    name: string,
    query: Q,
    log: Q[],
    error: Error | null,
    total: number,
    items: I
  ): Promise<
    I & { total: number; offset: number; limit: number; cursor: number }
  > {
    this.calls.push(name);
    log.push({ ...query });
    if (error) {
      throw error;
    }
    const { offset, limit } = query;
    return { total, offset, limit, cursor: this.cursor, ...items };
  }

  count(prefix: string): number {
    return this.calls.filter(c => c.startsWith(prefix)).length;
  }

  artifactQueries: MM.IArtifactQuery[] = [];
  modelQueries: MM.IModelQuery[] = [];
  modelsError: Error | null = null;
  artifactsError: Error | null = null;
  calls: string[] = [];
  /** The keyset cursor of each `runs` call (null: by offset). */
  runCursors: (string | null)[] = [];
  cursor = 5;
  metaAnswer = META;
  metaError: Error | null = null;
  queries: MM.IRunQuery[] = [];
  runDelays: number[] = [];
  total = 120;
}

let model: RunsModel<FakeApi> | null = null;

export function makeModel(api: FakeApi): RunsModel<FakeApi> {
  model = new RunsModel(api);
  return model;
}

let artifactsModel: ArtifactsModel | null = null;

export function makeArtifactsModel(runs: RunsModel<FakeApi>): ArtifactsModel {
  artifactsModel = new ArtifactsModel(runs);
  return artifactsModel;
}

let modelsModel: ModelsModel | null = null;

export function makeModelsModel(runs: RunsModel<FakeApi>): ModelsModel {
  modelsModel = new ModelsModel(runs);
  return modelsModel;
}

/**
 * A connected runs model with its artifacts list shown, `settle` ms after the
 * list was shown.
 */
export async function showArtifacts(
  api: FakeApi,
  settle: number
): Promise<{ api: FakeApi; m: RunsModel<FakeApi>; a: ArtifactsModel }> {
  const m = makeModel(api);
  const a = makeArtifactsModel(m);
  await m.connect();
  a.setVisible(true);
  await sleep(settle);
  return { api, m, a };
}

/** Dispose of the models made since the last call (run after each test). */
export function disposeModels(): void {
  modelsModel?.dispose();
  modelsModel = null;
  artifactsModel?.dispose();
  artifactsModel = null;
  model?.dispose();
  model = null;
}

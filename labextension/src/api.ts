/**
 * The REST client of the whole extension (`/mm-jupyter/api/`, see docs/rest.md):
 * every feature's endpoints (its `api.ts`) over one transport (`shared/rest.ts`).
 *
 * This module is part of the composition root: it imports every feature.
 */
import { ServerConnection } from '@jupyterlab/services';

import { artifactsApi, IArtifactsApi } from './artifacts/api';
import { compareApi, ICompareApi } from './compare/api';
import { diffApi, IDiffApi } from './diff/api';
import { IModelsApi, modelsApi } from './models/api';
import { IMonitoringApi, monitoringApi } from './monitoring/api';
import {
  IRunHousekeepingApi,
  IRunReproApi,
  IRunsApi,
  runHousekeepingApi,
  runReproApi,
  runsApi
} from './runs/api';
import { blobApi, IBlobApi, RestClient } from './shared/rest';

/**
 * Client of the mm-jupyter REST API: the endpoints of every feature.
 */
export type MMApi = IRunsApi &
  IRunHousekeepingApi &
  IRunReproApi &
  IArtifactsApi &
  IModelsApi &
  IDiffApi &
  ICompareApi &
  IMonitoringApi &
  IBlobApi;

/**
 * Make the REST client.
 *
 * @param settings - Server connection settings; defaults to the page's.
 */
export function createApi(settings?: ServerConnection.ISettings): MMApi {
  const client = new RestClient(settings);
  return {
    ...runsApi(client),
    ...runHousekeepingApi(client),
    ...runReproApi(client),
    ...artifactsApi(client),
    ...modelsApi(client),
    ...diffApi(client),
    ...compareApi(client),
    ...monitoringApi(client),
    ...blobApi(client)
  };
}

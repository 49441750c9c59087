/**
 * The REST calls of the model registry: one method per endpoint, each answer
 * decoded.
 */
import type { RestClient } from '../shared/rest';
import {
  decodeModelDetail,
  decodeModelList,
  decodeModelVersionDetail
} from './decode';
import * as MM from './types';

/**
 * The model registry endpoints.
 */
export interface IModelsApi {
  /** `GET models`: one page of registered models. */
  models(query: MM.IModelQuery): Promise<MM.IModelList>;
  /** `GET models/{name}`: a model with its versions, history and metric trend. */
  model(name: string): Promise<MM.IModelDetail>;
  /** `GET models/{name}/versions/{v}`: one version with its transitions. */
  modelVersion(name: string, version: number): Promise<MM.IModelVersionDetail>;
  /**
   * `POST models/{name}/versions/{v}/transition`: change a version's stage or
   * aliases. Replies with the updated version; a 409 (alias held elsewhere,
   * `move` false) is an `MMApiError` with `status` 409.
   */
  transition(
    name: string,
    version: number,
    body: MM.TransitionRequest
  ): Promise<MM.IModelVersionDetail>;
}

/** The model registry endpoints over a client. */
export function modelsApi(client: RestClient): IModelsApi {
  const versionPath = (name: string, version: number) => [
    'models',
    name,
    'versions',
    String(version)
  ];
  return {
    models: query =>
      client.get(['models'], decodeModelList, {
        q: query.q.trim(),
        limit: query.limit,
        offset: query.offset
      }),
    model: name => client.get(['models', name], decodeModelDetail),
    modelVersion: (name, version) =>
      client.get(versionPath(name, version), decodeModelVersionDetail),
    transition: (name, version, body) =>
      client.post(
        [...versionPath(name, version), 'transition'],
        body,
        decodeModelVersionDetail
      )
  };
}

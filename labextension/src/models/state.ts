/**
 * State of the sidebar's list of registered models. Like the artifacts list, it
 * rides on the shared model's change cursor.
 */
import { errorMessage, isNotFound } from '../shared/errors';
import { PagedListModel } from '../shared/pagedListState';
import type { IServerModel } from '../shared/serverModel';
import { PAGE_SIZE } from '../shared/query';
import * as MM from './types';
import type { IModelsApi } from './api';

/** Consumer id of the models list in {@link IServerModel.setVisible}. */
export const MODELS_CONSUMER = 'models';

/**
 * The query of a fresh models list: first page.
 */
export function defaultModelQuery(): MM.IModelQuery {
  return { q: '', limit: PAGE_SIZE, offset: 0 };
}

/**
 * Model of the registered models list.
 */
export class ModelsModel extends PagedListModel<
  MM.IModelQuery,
  MM.IModelList,
  Pick<IModelsApi, 'models'>
> {
  /**
   * @param server - The shared model: API client, connection and change cursor.
   */
  constructor(server: IServerModel<Pick<IModelsApi, 'models'>>) {
    super(server, MODELS_CONSUMER, defaultModelQuery());
  }

  protected fetchPage(query: MM.IModelQuery): Promise<MM.IModelList> {
    return this.server.api.models(query);
  }

  protected describeError(err: unknown): string {
    return isNotFound(err)
      ? 'This server has no model registry: update mm-jupyter on the server.'
      : errorMessage(err);
  }
}

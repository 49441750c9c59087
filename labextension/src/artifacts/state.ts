/**
 * State of the sidebar's artifacts list. It rides on the shared model's change
 * cursor: no poll of its own, a reload when the registry changed while the list
 * is visible, and a reload on show when it changed while hidden.
 */
import { errorMessage, isNotFound } from '../shared/errors';
import { PagedListModel } from '../shared/pagedListState';
import type { IServerModel } from '../shared/serverModel';
import { PAGE_SIZE } from '../shared/query';
import * as MM from './types';
import type { IArtifactsApi } from './api';

/** Consumer id of the artifacts list in {@link IServerModel.setVisible}. */
export const ARTIFACTS_CONSUMER = 'artifacts';

/**
 * The query of a fresh artifacts list: all kinds, first page.
 */
export function defaultArtifactQuery(): MM.IArtifactQuery {
  return { q: '', kind: '', limit: PAGE_SIZE, offset: 0 };
}

/**
 * Model of the artifacts list.
 */
export class ArtifactsModel extends PagedListModel<
  MM.IArtifactQuery,
  MM.IArtifactList,
  Pick<IArtifactsApi, 'artifacts'>
> {
  /**
   * @param server - The shared model: API client, connection and change cursor.
   */
  constructor(server: IServerModel<Pick<IArtifactsApi, 'artifacts'>>) {
    super(server, ARTIFACTS_CONSUMER, defaultArtifactQuery());
  }

  protected fetchPage(query: MM.IArtifactQuery): Promise<MM.IArtifactList> {
    return this.server.api.artifacts(query);
  }

  protected describeError(err: unknown): string {
    return isNotFound(err)
      ? 'This server does not list artifacts: update mm-jupyter on the server.'
      : errorMessage(err);
  }
}

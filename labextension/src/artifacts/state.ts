/**
 * State of the sidebar's artifacts list. It rides on the runs model's change
 * cursor: no poll of its own, a reload when the registry changed while the list
 * is visible, and a reload on show when it changed while hidden.
 */
import { errorMessage, isNotFound } from '../shared/errors';
import { PagedListModel } from '../shared/pagedListState';
import type { RunsModel } from '../runs/state';
import { PAGE_SIZE } from '../shared/query';
import * as MM from '../mm';

/** Consumer id of the artifacts list in {@link RunsModel.setVisible}. */
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
  MM.IArtifactList
> {
  /**
   * @param runs - The runs model: API client, connection and change cursor.
   */
  constructor(runs: RunsModel) {
    super(runs, ARTIFACTS_CONSUMER, defaultArtifactQuery());
  }

  protected fetchPage(query: MM.IArtifactQuery): Promise<MM.IArtifactList> {
    return this.runs.api.artifacts(query);
  }

  protected describeError(err: unknown): string {
    return isNotFound(err)
      ? 'This server does not list artifacts: update mm-jupyter on the server.'
      : errorMessage(err);
  }
}

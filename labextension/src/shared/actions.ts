/**
 * What views can ask the application to open. The plugin implements it with
 * commands; components only call it.
 */
import * as MM from '../mm';

/**
 * Navigation between the views of the extension.
 */
export interface IActions {
  /** Open a run's detail view. */
  openRun(run: { id: string; name?: string }): void;
  /** Open an artifact's versions view, showing `version` if given. */
  openArtifact(name: string, version?: number): void;
  /** Open a registered model's view, showing `version` if given. */
  openModel(name: string, version?: number): void;
  /** Open the lineage view rooted at a run or a version. */
  openLineage(root: MM.LineageRoot): void;
}

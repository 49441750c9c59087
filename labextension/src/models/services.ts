/**
 * What the model view's gate sections (policies, approvals, card, package) use:
 * the server's endpoints and JupyterLab's renderers.
 */
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import type { IModelGateApi } from './api';

/** The endpoints and renderers of the gate sections. */
export interface IModelServices {
  /** Checks, approvals, policies, card and package. */
  api: IModelGateApi;
  /** Markdown renderer for the model card, or null (plain text then). */
  rendermime: IRenderMimeRegistry | null;
}

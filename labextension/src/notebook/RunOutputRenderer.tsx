/**
 * The renderer of `application/vnd.mm-jupyter.run+json` in notebook outputs.
 *
 * It is "safe": it renders every value as text through React, so it also renders
 * in untrusted notebooks (a reopened notebook is untrusted), where JupyterLab only
 * uses safe renderers. It needs no kernel: opening and registering go through the
 * server.
 */
import { IRenderMime } from '@jupyterlab/rendermime';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { errorMessage } from '../shared/errors';
import { IRunOutputActions, RunOutputCard } from './RunOutputCard';
import {
  decodeRunOutput,
  IRunOutput,
  RUN_MIME,
  sameRegistry
} from './runOutput';

/**
 * What every renderer of the application shares.
 */
export interface IRunOutputContext {
  /** What the cards can do. */
  actions: IRunOutputActions;
  /** The registry path the server reads (`GET meta`, asked once), or null. */
  serverRegistry: () => Promise<string | null>;
}

/**
 * One run output.
 */
export class RunOutputRenderer
  extends ReactWidget
  implements IRenderMime.IRenderer
{
  constructor(context: IRunOutputContext) {
    super();
    this._context = context;
    this.addClass('jp-mm-RunOutputWidget');
  }

  /** Render the output of `model` (its JSON; the text when that is unreadable). */
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    try {
      this._output = decodeRunOutput(model.data[RUN_MIME]);
      this._problem = null;
    } catch (err) {
      this._output = null;
      const text = model.data['text/plain'];
      this._problem =
        (typeof text === 'string' ? text : '') ||
        `mm-jupyter run output not readable: ${errorMessage(err)}`;
    }
    if (this._output !== null) {
      const server = await this._context.serverRegistry().catch(() => null);
      this._otherRegistry =
        sameRegistry(this._output.registry, server) === false ? server : null;
    }
    this.update();
  }

  protected render(): JSX.Element {
    if (this._output === null) {
      return <pre className="jp-mm-RunOutput-text">{this._problem ?? ''}</pre>;
    }
    return (
      <RunOutputCard
        output={this._output}
        actions={this._context.actions}
        otherRegistry={this._otherRegistry}
      />
    );
  }

  private _context: IRunOutputContext;
  private _output: IRunOutput | null = null;
  private _problem: string | null = null;
  private _otherRegistry: string | null = null;
}

/**
 * The factory of run output renderers (rank 0: preferred over the HTML fallback).
 */
export function runOutputFactory(
  context: IRunOutputContext
): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [RUN_MIME],
    defaultRank: 0,
    createRenderer: () => new RunOutputRenderer(context)
  };
}

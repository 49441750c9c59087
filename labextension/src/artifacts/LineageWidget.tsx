import { caretLeftIcon } from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import * as React from 'react';

import { IActions } from '../shared/actions';
import { ErrorNotice } from '../shared/ErrorNotice';
import { AUTO_FIT_MAX_WIDTH, LineageGraph } from './LineageGraph';
import { loadErrorText } from '../shared/errors';
import { lineageIcon } from '../shared/icons';
import { layoutLineage } from './lineageLayout';
import * as MM from './types';
import { LiveWidget } from '../shared/LiveWidget';
import type { IServerModel } from '../shared/serverModel';
import type { IArtifactsApi } from './api';
import { parseVersionRef, rootNodeId } from '../shared/refs';

/** Depth choices (the server allows 1..10000 hops). */
const DEPTHS = [1, 2, 3, 5, 10, 20, 50, 100, 1000];

/** The server's default depth. */
export const DEFAULT_DEPTH = 10;

/**
 * Options of {@link LineageWidget}.
 */
export interface ILineageWidgetOptions {
  /** What the graph is rooted at. */
  root: MM.LineageRoot;
  /** The shared model (API client and change signal). */
  model: IServerModel<IArtifactsApi>;
  /** Navigation to runs and artifacts. */
  actions: IActions;
  /**
   * Re-root on a clicked version. The command that opened the view decides
   * (another open view of that root may be activated instead); by default the
   * view re-roots itself.
   */
  reroot?: (widget: LineageWidget, root: MM.LineageRoot) => void;
}

/**
 * Content of a lineage main-area tab: the graph around a run or a version.
 * Clicking a run opens it; clicking a version re-roots the graph on it, and
 * "Back" returns to the previous root.
 */
export class LineageWidget extends LiveWidget<IArtifactsApi> {
  constructor(options: ILineageWidgetOptions) {
    super(options.model);
    this._root = options.root;
    this._actions = options.actions;
    this._reroot = options.reroot ?? ((w, root) => w.setRoot(root));
    this.addClass('jp-mm-LineageWidget');
    this.title.icon = lineageIcon;
    this.title.closable = true;
    this._updateTitle();
  }

  /** Emitted after the root changed (the tab's id and saved state follow it). */
  get rootChanged(): ISignal<this, MM.LineageRoot> {
    return this._rootChanged;
  }

  /** What the graph is rooted at. */
  get root(): MM.LineageRoot {
    return this._root;
  }

  /** The loaded graph, or null before the first answer. */
  get lineage(): MM.ILineage | null {
    return this._lineage;
  }

  /**
   * Root the graph somewhere else.
   *
   * @param root - The new root.
   * @param remember - Whether "Back" returns to the current root.
   */
  setRoot(root: MM.LineageRoot, remember = true): void {
    if (rootNodeId(root) === rootNodeId(this._root)) {
      return;
    }
    if (remember) {
      this._history.push(this._root);
    }
    this._root = root;
    this._lineage = null;
    this._error = null;
    this._snapshot = '';
    this._updateTitle();
    this._rootChanged.emit(root);
    this.invalidate();
    this.update();
  }

  /** Go back to the previous root, if any. */
  back(): void {
    const previous = this._history.pop();
    if (previous) {
      this.setRoot(previous, false);
    }
  }

  async load(): Promise<void> {
    this.markFresh();
    const root = this._root;
    const depth = this._depth;
    this._loading = true;
    this.update();
    try {
      const lineage = await this.model.api.lineage(root, depth);
      if (root !== this._root || depth !== this._depth) {
        return; // Re-rooted meanwhile: that load wins.
      }
      const snapshot = JSON.stringify(lineage);
      this._error = null;
      if (snapshot !== this._snapshot) {
        this._snapshot = snapshot;
        this._lineage = lineage;
        this._autoFit =
          layoutLineage(lineage.nodes, lineage.edges).width <=
          AUTO_FIT_MAX_WIDTH;
        this._updateTitle();
      }
    } catch (err) {
      if (root !== this._root || depth !== this._depth) {
        return;
      }
      const what = this._rootLabel();
      this._error = loadErrorText(
        err,
        () =>
          `${what} does not exist (any more) in this registry, or this server has no lineage.`,
        `Cannot load the lineage of ${what}`
      );
    }
    this._loading = false;
    this.update();
  }

  protected get consumer(): string {
    return `lineage:${rootNodeId(this._root)}`;
  }

  protected get hasContent(): boolean {
    return this._lineage !== null || this._error !== null;
  }

  protected render(): JSX.Element {
    const lineage = this._lineage;
    const root = this._root;
    const fit = this._fit === 'auto' ? this._autoFit : this._fit;
    const isolated =
      lineage !== null &&
      lineage.edges.length === 0 &&
      lineage.nodes.length <= 1;
    return (
      <div className="jp-mm-Lineage">
        <div className="jp-mm-Lineage-toolbar">
          <button
            className="jp-mm-Button jp-mm-Button-icon jp-mm-Lineage-back"
            title={
              this._history.length
                ? `Back to ${rootLabel(this._history[this._history.length - 1])}`
                : 'Back to the previous root'
            }
            disabled={this._history.length === 0}
            onClick={() => this.back()}
          >
            <caretLeftIcon.react tag="span" className="jp-mm-IconButton-icon" />
            <span>Back</span>
          </button>
          <h1 className="jp-mm-Lineage-title">
            <span className="jp-mm-Lineage-titleLabel">Lineage of</span>
            <span
              className={`jp-mm-Lineage-root jp-mm-Lineage-root-${root.kind}`}
              data-root={rootNodeId(root)}
            >
              {this._rootLabel()}
            </span>
          </h1>
          <button
            className="jp-mm-Button"
            title={
              root.kind === 'run'
                ? 'Open the run'
                : 'Open the artifact with all its versions'
            }
            onClick={() => this._openRoot()}
          >
            {root.kind === 'run' ? 'Open run' : 'Open artifact'}
          </button>
          <span className="jp-mm-Lineage-spacer" />
          <Legend />
          <button
            className={
              'jp-mm-Button jp-mm-Lineage-fit' +
              (fit ? ' jp-mm-mod-pressed' : '')
            }
            aria-pressed={fit}
            title={
              fit
                ? 'Show the graph at full size (scroll to see all of it)'
                : 'Scale the graph down to the width of the view'
            }
            onClick={() => {
              this._fit = !fit;
              this.update();
            }}
          >
            Fit width
          </button>
          <label className="jp-mm-Lineage-depth">
            <span>Depth</span>
            <select
              className="jp-mm-Select jp-mod-styled"
              aria-label="Depth"
              title="How many hops upstream and downstream to follow"
              value={this._depth}
              onChange={e => this._setDepth(Number(e.target.value))}
            >
              {DEPTHS.map(d => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
        </div>
        {lineage?.truncated && (
          <div
            className="jp-mm-Notice jp-mm-Notice-warn jp-mm-Lineage-truncated"
            role="status"
          >
            {`Truncated: the lineage goes on beyond ${this._depth} hops. `}
            {this._depth < DEPTHS[DEPTHS.length - 1] && (
              <button
                className="jp-mm-Button"
                onClick={() =>
                  this._setDepth(
                    DEPTHS.find(d => d > this._depth) ?? this._depth
                  )
                }
              >
                Show more
              </button>
            )}
          </div>
        )}
        {this._error && <ErrorNotice text={this._error} />}
        {!lineage && !this._error && (
          <div className="jp-mm-Empty">{`Loading the lineage of ${this._rootLabel()}…`}</div>
        )}
        {lineage && (
          <div
            className={
              'jp-mm-Lineage-canvas' +
              (this._loading ? ' jp-mm-mod-loading' : '')
            }
          >
            <LineageGraph
              lineage={lineage}
              fit={fit}
              onOpenRun={run => this._actions.openRun(run)}
              onSelectVersion={version =>
                this._reroot(this, { kind: 'version', ref: version.ref })
              }
            />
          </div>
        )}
        {isolated && (
          <p className="jp-mm-Empty">
            {root.kind === 'run'
              ? 'This run neither used nor logged artifacts.'
              : 'No run used or logged this version.'}
          </p>
        )}
        {lineage && !isolated && (
          <p className="jp-mm-Lineage-hint">
            Click a run to open it, a version to follow its lineage.
          </p>
        )}
      </div>
    );
  }

  private _setDepth(depth: number): void {
    if (depth !== this._depth) {
      this._depth = depth;
      void this.load();
    }
  }

  private _openRoot(): void {
    const root = this._root;
    if (root.kind === 'run') {
      this._actions.openRun({
        id: root.id,
        name: this._runName() ?? undefined
      });
    } else {
      const parsed = parseVersionRef(root.ref);
      if (parsed) {
        this._actions.openArtifact(parsed.name, parsed.version);
      }
    }
  }

  private _runName(): string | null {
    const id = rootNodeId(this._root);
    const node = this._lineage?.nodes.find(n => n.id === id);
    return node?.type === 'run' ? node.run.name || null : null;
  }

  private _rootLabel(): string {
    const root = this._root;
    return root.kind === 'run' ? (this._runName() ?? root.id) : root.ref;
  }

  private _updateTitle(): void {
    const label = this._rootLabel();
    this.title.label = `Lineage: ${label}`;
    this.title.caption =
      this._root.kind === 'run'
        ? `Lineage of run ${label}`
        : `Lineage of ${label}`;
  }

  private _actions: IActions;
  private _autoFit = true;
  private _depth = DEFAULT_DEPTH;
  private _error: string | null = null;
  private _fit: boolean | 'auto' = 'auto';
  private _history: MM.LineageRoot[] = [];
  private _lineage: MM.ILineage | null = null;
  private _loading = false;
  private _reroot: (widget: LineageWidget, root: MM.LineageRoot) => void;
  private _root: MM.LineageRoot;
  private _rootChanged = new Signal<this, MM.LineageRoot>(this);
  private _snapshot = '';
}

/** A root as text, before its graph is loaded. */
function rootLabel(root: MM.LineageRoot): string {
  return root.kind === 'run' ? `run ${root.id}` : root.ref;
}

/**
 * A small key to the shapes of the graph.
 */
function Legend(): JSX.Element {
  return (
    <span className="jp-mm-Lineage-legend" aria-hidden="true">
      <span className="jp-mm-Lineage-legendItem">
        <span className="jp-mm-Lineage-swatch jp-mm-Lineage-swatch-version" />
        version
      </span>
      <span className="jp-mm-Lineage-legendItem">
        <span className="jp-mm-Lineage-swatch jp-mm-Lineage-swatch-run" />
        run
      </span>
      <span className="jp-mm-Lineage-legendItem">data flows →</span>
    </span>
  );
}

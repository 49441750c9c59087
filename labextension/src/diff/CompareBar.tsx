import * as React from 'react';

import { orderRuns } from './rules';
import * as MM from '../shared/types';

/** The most runs a comparison takes (the server's limit). */
export const MAX_COMPARED = 50;

/**
 * Props of {@link CompareBar}.
 */
export interface ICompareBarProps {
  /** The runs checked for comparison (at least one). */
  picked: ReadonlyArray<MM.IRunSummary>;
  /** Open the diff of two runs (a is the older). */
  onDiff: (a: string, b: string) => void;
  /** Open the comparison of 2 to 50 runs (in the order they were checked). */
  onCompare: (ids: string[]) => void;
  /** Uncheck all runs. */
  onClear: () => void;
}

/** What the bar offers for a number of checked runs. */
export function compareChoices(count: number): {
  diff: boolean;
  compare: boolean;
  hint: string | null;
} {
  if (count < 2) {
    return { diff: false, compare: false, hint: 'select one more to compare' };
  }
  if (count > MAX_COMPARED) {
    return {
      diff: false,
      compare: false,
      hint: `compare takes at most ${MAX_COMPARED} runs`
    };
  }
  return { diff: count === 2, compare: true, hint: null };
}

/**
 * "3 selected [Compare] [Clear]", with "Diff" too for exactly two runs: shown on
 * the Runs tab while runs are checked.
 */
export function CompareBar(props: ICompareBarProps): JSX.Element {
  const { picked } = props;
  const choices = compareChoices(picked.length);
  return (
    <div className="jp-mm-CompareBar">
      <span className="jp-mm-CompareBar-count">
        {`${picked.length} selected`}
      </span>
      {choices.diff && (
        <button
          className="jp-mm-Button jp-mm-CompareBar-diff"
          title="What changed from the older run to the newer: params, metrics, code, notebook, environment"
          onClick={() => {
            const [a, b] = orderRuns(picked[0], picked[1]);
            props.onDiff(a.id, b.id);
          }}
        >
          Diff
        </button>
      )}
      {choices.compare && (
        <button
          className="jp-mm-Button jp-mm-Button-primary jp-mm-CompareBar-compare"
          title="Overlaid metrics, params, parallel coordinates, scatter and group-by"
          onClick={() => props.onCompare(picked.map(r => r.id))}
        >
          {`Compare ${picked.length}`}
        </button>
      )}
      {choices.hint && (
        <span className="jp-mm-CompareBar-hint">{choices.hint}</span>
      )}
      <button
        className="jp-mm-Button jp-mm-CompareBar-clear"
        onClick={props.onClear}
      >
        Clear
      </button>
    </div>
  );
}

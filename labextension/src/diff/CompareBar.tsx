import * as React from 'react';

import { orderRuns } from './rules';
import * as MM from '../shared/types';

/**
 * Props of {@link CompareBar}.
 */
export interface ICompareBarProps {
  /** The runs checked for comparison (at least one). */
  picked: ReadonlyArray<MM.IRunSummary>;
  /** Open the diff of two runs (a is the older). */
  onCompare: (a: string, b: string) => void;
  /** Uncheck all runs. */
  onClear: () => void;
}

/**
 * "2 selected [Compare 2 runs] [Clear]": shown while runs are checked.
 */
export function CompareBar(props: ICompareBarProps): JSX.Element {
  const { picked } = props;
  return (
    <div className="jp-mm-CompareBar">
      <span className="jp-mm-CompareBar-count">
        {`${picked.length} selected`}
      </span>
      {picked.length === 2 ? (
        <button
          className="jp-mm-Button jp-mm-Button-primary jp-mm-CompareBar-compare"
          onClick={() => {
            const [a, b] = orderRuns(picked[0], picked[1]);
            props.onCompare(a.id, b.id);
          }}
        >
          Compare 2 runs
        </button>
      ) : (
        <span className="jp-mm-CompareBar-hint">
          {picked.length < 2
            ? 'select one more to compare'
            : 'select exactly two'}
        </span>
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

import * as React from 'react';

import { ReproBadge, ReproIssues } from '../shared/ReproBadge';
import { IReproducibility } from '../shared/reproducibility';

/**
 * Props of {@link OutputReproducibility}.
 */
export interface IOutputReproducibilityProps {
  /** The cell's hidden-state analysis, or null (nothing is shown). */
  reproducibility: IReproducibility | null;
  /** Select a cell of this notebook by id; without it issues have no button. */
  onOpenCell?: (cellId: string) => void;
}

/**
 * The run output's reproducibility line: a small "✓ reproducible" when clean, a
 * grey "?" when unknown, or "⚠ N hidden-state warnings" with the first issue's
 * explanation, the others one click away, and a button to each defining cell.
 */
export function OutputReproducibility(
  props: IOutputReproducibilityProps
): JSX.Element | null {
  const { reproducibility: repro, onOpenCell } = props;
  const [expanded, setExpanded] = React.useState(false);
  if (!repro) {
    return null;
  }
  const { issues } = repro;
  const shown = expanded ? issues : issues.slice(0, 1);
  const more = issues.length - shown.length;
  return (
    <div
      className={`jp-mm-RunOutput-repro jp-mm-RunOutput-repro-${repro.status}`}
      data-repro={repro.status}
    >
      <ReproBadge reproducibility={repro} />
      {repro.status === 'warnings' && shown.length > 0 && (
        <ReproIssues
          issues={shown}
          onOpenCell={onOpenCell ? cellId => onOpenCell(cellId) : undefined}
          openLabel="Go to cell"
        />
      )}
      {repro.status === 'warnings' && issues.length > 1 && (
        <button
          className="jp-mm-Link jp-mm-RunOutput-reproMore"
          aria-expanded={expanded}
          onClick={() => setExpanded(!expanded)}
        >
          {expanded ? 'Show fewer' : `Show all ${issues.length} (+${more})`}
        </button>
      )}
    </div>
  );
}

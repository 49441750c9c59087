import * as React from 'react';

import type { IStageBadge } from './rules';
import { StageBadge } from '../shared/Badges';

/**
 * An alias held by a model version, with a remove button when `onRemove` is given.
 */
export function RemovableAlias(props: {
  alias: string;
  versionRef: string;
  onRemove?: () => void;
  disabled?: boolean;
}): JSX.Element {
  return (
    <span
      className={
        'jp-mm-AliasBadge' + (props.onRemove ? ' jp-mm-mod-removable' : '')
      }
      title={`Alias ${props.alias}`}
      data-alias={props.alias}
    >
      {props.alias}
      {props.onRemove && (
        <button
          className="jp-mm-AliasBadge-remove"
          title={`Remove alias ${props.alias} from ${props.versionRef}`}
          aria-label={`Remove alias ${props.alias} from ${props.versionRef}`}
          disabled={props.disabled}
          onClick={e => {
            e.stopPropagation();
            props.onRemove?.();
          }}
        >
          ×
        </button>
      )}
    </span>
  );
}

/**
 * Stage badges with their versions (`v3 production`), in the order given.
 */
export function StageBadges(props: {
  badges: ReadonlyArray<IStageBadge>;
}): JSX.Element {
  return (
    <>
      {props.badges.map(({ stage, version }) => (
        <StageBadge
          key={`${stage}:${version}`}
          stage={stage}
          version={version}
        />
      ))}
    </>
  );
}

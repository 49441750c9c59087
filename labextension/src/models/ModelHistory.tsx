import * as React from 'react';

import { formatRelative, formatTime } from '../shared/format';
import { sortHistory, transitionText } from './transitions';
import * as MM from './types';
import { AliasBadge, StageBadge } from '../shared/Badges';

/**
 * What one transition changed: `v2 none → production`, `champion v1 → v2`.
 */
function TransitionChange(props: {
  transition: MM.IModelTransition;
}): JSX.Element {
  const t = props.transition;
  const text = transitionText(t);
  return (
    <span className="jp-mm-ModelHistory-change">
      {t.kind === 'alias' ? (
        <AliasBadge alias={text.subject} />
      ) : (
        <span className="jp-mm-ModelHistory-subject">{text.subject}</span>
      )}
      <span className="jp-mm-ModelHistory-from">{text.from}</span>
      <span className="jp-mm-ModelHistory-arrow" aria-label="to">
        →
      </span>
      {t.kind === 'alias' ? (
        <span className="jp-mm-ModelHistory-to">{text.to}</span>
      ) : (
        <StageBadge stage={text.to} />
      )}
    </span>
  );
}

/**
 * Transitions, newest first: when, who, what changed, comment. Compact (in a
 * version's details) is a list of two-line entries.
 */
export function TransitionHistory(props: {
  history: MM.IModelTransition[];
  now: Date;
  compact?: boolean;
}): JSX.Element {
  const entries = sortHistory(props.history);
  const attrs = (t: MM.IModelTransition) => ({
    className: 'jp-mm-ModelHistory-entry',
    'data-version': t.version,
    'data-kind': t.kind,
    'data-to': t.to ?? '',
    'data-forced': t.forced ? 'true' : undefined
  });
  if (props.compact) {
    return (
      <ul className="jp-mm-ModelHistory jp-mm-mod-compact">
        {entries.map((t, i) => (
          <li key={i} {...attrs(t)}>
            <TransitionChange transition={t} />
            <ForcedBadge transition={t} />
            <span className="jp-mm-ModelHistory-meta">
              <span title={formatTime(t.at)}>
                {formatRelative(t.at, props.now)}
              </span>
              {t.user && (
                <span className="jp-mm-ModelHistory-user" title={t.user}>
                  {t.user}
                </span>
              )}
              {t.comment && (
                <span className="jp-mm-ModelHistory-comment">{t.comment}</span>
              )}
            </span>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <table className="jp-mm-KeyValueTable jp-mm-ModelHistory">
      <thead>
        <tr>
          <th>When</th>
          <th>Change</th>
          <th>By</th>
          <th>Comment</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((t, i) => (
          <tr key={i} {...attrs(t)}>
            <td className="jp-mm-ModelHistory-when" title={formatTime(t.at)}>
              {formatRelative(t.at, props.now)}
            </td>
            <td>
              <TransitionChange transition={t} />
              <ForcedBadge transition={t} />
            </td>
            <td
              className="jp-mm-KeyValueTable-source jp-mm-ModelHistory-user"
              title={t.user ?? ''}
            >
              {t.user ?? ''}
            </td>
            <td className="jp-mm-ModelHistory-comment">
              {t.comment || <span className="jp-mm-Muted">—</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * "forced" on a move that went past failing policy rules, naming them.
 */
function ForcedBadge(props: {
  transition: MM.IModelTransition;
}): JSX.Element | null {
  const { forced, overridden } = props.transition;
  if (!forced) {
    return null;
  }
  return (
    <span
      className="jp-mm-ForcedBadge"
      title={
        overridden.length
          ? `Forced past: ${overridden.join('; ')}`
          : 'Forced past the policy'
      }
    >
      forced
    </span>
  );
}

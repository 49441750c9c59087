import * as React from 'react';

import { conditionText, windowText } from './format';
import { Mon } from './types';
import { SeverityBadge } from './AlertList';

/**
 * Props of {@link RuleList}.
 */
export interface IRuleListProps {
  /** Rules that apply to the version. */
  rules: ReadonlyArray<Mon.IRule>;
}

/**
 * The rules of a monitored version as a table: pattern, condition, window,
 * severity, scope and action.
 */
export function RuleList(props: IRuleListProps): JSX.Element {
  if (props.rules.length === 0) {
    return (
      <p className="jp-mm-Empty">
        No rules. Add one with{' '}
        <code>mon.rule(&quot;drift.psi.*&quot;, &quot;&gt;&quot;, 0.2)</code>.
      </p>
    );
  }
  return (
    <table className="jp-mm-KeyValueTable jp-mm-RuleList">
      <thead>
        <tr>
          <th>Series</th>
          <th>Condition</th>
          <th>Window</th>
          <th>Severity</th>
          <th>Scope</th>
          <th>Action</th>
        </tr>
      </thead>
      <tbody>
        {props.rules.map(rule => (
          <tr
            key={rule.id}
            className={rule.enabled ? undefined : 'jp-mm-mod-disabled'}
            data-rule-id={rule.id}
            data-pattern={rule.pattern}
          >
            <td className="jp-mm-KeyValueTable-key">
              {rule.pattern}
              {rule.name && (
                <div className="jp-mm-RuleList-name">{rule.name}</div>
              )}
            </td>
            <td className="jp-mm-KeyValueTable-value jp-mm-RuleList-condition">
              {rule.kind === 'event'
                ? 'on event'
                : conditionText(rule.op, rule.threshold)}
            </td>
            <td>
              {rule.kind === 'event'
                ? ''
                : windowText(rule.count, rule.window_s)}
            </td>
            <td>
              <SeverityBadge severity={rule.severity} />
            </td>
            <td>
              {rule.version === null
                ? 'every version'
                : `version ${rule.version} only`}
              {!rule.enabled && ' (disabled)'}
            </td>
            <td className="jp-mm-RuleList-action">
              {rule.action ? (
                <>
                  <span className="jp-mm-RuleList-actionKind">
                    {rule.action.kind}
                  </span>
                  {rule.action.display && (
                    <span
                      className="jp-mm-RuleList-actionDisplay"
                      title={rule.action.display}
                    >
                      {rule.action.display}
                    </span>
                  )}
                </>
              ) : (
                <span className="jp-mm-Muted">none</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import * as React from 'react';

import * as MM from './types';

/**
 * Props of {@link EnvironmentView}.
 */
export interface IEnvironmentViewProps {
  /** The recorded environment, or null. */
  environment: MM.IEnvironment | null;
}

/**
 * Python, platform, git state, and the packages (collapsed).
 */
export function EnvironmentView(props: IEnvironmentViewProps): JSX.Element {
  const env = props.environment;
  if (!env) {
    return <p className="jp-mm-Empty">No environment recorded.</p>;
  }
  const packages = Object.entries(env.packages).sort(([a], [b]) =>
    a.toLowerCase().localeCompare(b.toLowerCase())
  );
  return (
    <div className="jp-mm-EnvironmentView">
      <dl className="jp-mm-Facts">
        <dt>Python</dt>
        <dd>{env.python}</dd>
        <dt>Platform</dt>
        <dd title={env.platform}>{env.platform}</dd>
        <dt>Git</dt>
        <dd>
          {env.git ? (
            <>
              <code title={env.git.commit}>{env.git.commit.slice(0, 12)}</code>
              {env.git.dirty && (
                <span className="jp-mm-Dirty"> (uncommitted changes)</span>
              )}
            </>
          ) : (
            'not a git repository'
          )}
        </dd>
      </dl>
      <details className="jp-mm-Collapsible">
        <summary>{`Packages (${packages.length})`}</summary>
        <table className="jp-mm-KeyValueTable jp-mm-Packages">
          <tbody>
            {packages.map(([name, version]) => (
              <tr key={name}>
                <td className="jp-mm-KeyValueTable-key">{name}</td>
                <td className="jp-mm-KeyValueTable-value">{version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

import * as React from 'react';

import { API_VERSION } from './types';
import * as MM from './types';

/**
 * Props of {@link MetaNotice}.
 */
export interface IMetaNoticeProps {
  /** The connection state to explain. */
  connection: MM.Connection;
  /** Called by the "Retry" button. */
  onRetry: () => void;
}

/**
 * Explains why the sidebar cannot show runs: server extension missing,
 * version mismatch, or another error. Renders nothing once connected.
 */
export function MetaNotice(props: IMetaNoticeProps): JSX.Element | null {
  const { connection } = props;
  const retry = (
    <button className="jp-mm-Button" onClick={props.onRetry}>
      Retry
    </button>
  );
  switch (connection.kind) {
    case 'ready':
      return null;
    case 'connecting':
      return (
        <div className="jp-mm-Notice">Connecting to the mm-jupyter server…</div>
      );
    case 'missing':
      return (
        <div className="jp-mm-Notice jp-mm-Notice-warn" role="alert">
          <p>
            <strong>The mm-jupyter server extension is not available.</strong>{' '}
            The Jupyter server does not answer at{' '}
            <code>/mm-jupyter/api/meta</code>, so the Python package{' '}
            <code>mm_jupyter</code> is not installed in the server&apos;s
            environment, or its server extension is not enabled.
          </p>
          <p>Install and enable it, then restart JupyterLab:</p>
          <pre className="jp-mm-Notice-code">
            {
              'pip install mm-jupyter\njupyter server extension enable mm_jupyter'
            }
          </pre>
          <p className="jp-mm-Notice-detail">{connection.detail}</p>
          {retry}
        </div>
      );
    case 'mismatch':
      return (
        <div className="jp-mm-Notice jp-mm-Notice-warn" role="alert">
          <p>
            <strong>Version mismatch.</strong> The Python package mm-jupyter{' '}
            {connection.meta.version} speaks REST API version{' '}
            {String(connection.meta.api_version)}, but this lab extension speaks
            version {String(API_VERSION)}.
          </p>
          <p>
            The Python package and the JupyterLab extension come from different
            releases. Reinstall one version of both (
            <code>pip install -U mm-jupyter</code>) and restart JupyterLab.
          </p>
          {retry}
        </div>
      );
    case 'error':
      return (
        <div className="jp-mm-Notice jp-mm-Notice-error" role="alert">
          <p>
            <strong>Cannot talk to the mm-jupyter server extension.</strong>
          </p>
          <p className="jp-mm-Notice-detail">{connection.detail}</p>
          {retry}
        </div>
      );
  }
}

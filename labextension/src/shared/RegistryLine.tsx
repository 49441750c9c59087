import * as React from 'react';

import { backendLine, registryTitle } from './backend';
import * as MM from './types';

/**
 * Props of {@link RegistryLine}.
 */
export interface IRegistryLineProps {
  /** The handshake answer: the registry and the backend it uses. */
  meta: MM.IMeta;
}

/**
 * The lines under the sidebar's header: a team backend's badge with the acting
 * user (`Team registry · alice`, its tooltip naming the database, the blobs and
 * where each setting came from), then the registry folder. Server-sent strings
 * are rendered as text only.
 */
export function RegistryLine(props: IRegistryLineProps): JSX.Element {
  const { meta } = props;
  const line = backendLine(meta);
  return (
    <>
      {line && (
        <div className="jp-mm-Backend" title={line.title}>
          <span className="jp-mm-Backend-label">{line.label}</span>
          {line.user && (
            <span className="jp-mm-Backend-user">{`· ${line.user}`}</span>
          )}
        </div>
      )}
      <div className="jp-mm-Registry" title={registryTitle(meta)}>
        <span className="jp-mm-Registry-label">Registry</span>
        <span className="jp-mm-Registry-path">
          {/* LRM marks keep slashes in place inside the right-to-left ellipsis box */}
          {`\u200e${meta.registry.path}\u200e`}
        </span>
        {meta.registry.source && (
          <span className="jp-mm-Registry-source">{meta.registry.source}</span>
        )}
      </div>
    </>
  );
}

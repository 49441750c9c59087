import * as React from 'react';

import * as MM from '../mm';

const KNOWN_KINDS = new Set<string>(MM.ARTIFACT_KINDS);

/**
 * A small coloured pill with an artifact's kind.
 */
export function KindBadge(props: { kind: string }): JSX.Element {
  const kind = KNOWN_KINDS.has(props.kind) ? props.kind : 'other';
  return (
    <span
      className={`jp-mm-KindBadge jp-mm-KindBadge-${kind}`}
      title={`Kind: ${props.kind}`}
      data-kind={props.kind}
    >
      {props.kind || '?'}
    </span>
  );
}

/**
 * An alias (`prod`, `champion`, ...), optionally with the version it points at.
 */
export function AliasBadge(props: {
  alias: string;
  version?: number;
  showVersion?: boolean;
}): JSX.Element {
  const text =
    props.version === undefined || !props.showVersion
      ? props.alias
      : `${props.alias} → v${props.version}`;
  return (
    <span
      className="jp-mm-AliasBadge"
      title={
        props.version === undefined
          ? `Alias ${props.alias}`
          : `Alias ${props.alias} points at v${props.version}`
      }
      data-alias={props.alias}
    >
      {text}
    </span>
  );
}

/**
 * Aliases as badges, one per `[alias, version]` in the order given.
 */
export function AliasBadges(props: {
  aliases: ReadonlyArray<[string, number]>;
  showVersion?: boolean;
}): JSX.Element {
  return (
    <>
      {props.aliases.map(([alias, version]) => (
        <AliasBadge
          key={alias}
          alias={alias}
          version={version}
          showVersion={props.showVersion}
        />
      ))}
    </>
  );
}

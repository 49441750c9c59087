/**
 * The coloured pills every feature shows: a run's status, an artifact's kind, a
 * model version's stage, and aliases.
 */
import * as React from 'react';

import * as MM from './types';
import { versionLabel } from './refs';

const KNOWN_KINDS = new Set<string>(MM.ARTIFACT_KINDS);
const KNOWN_STAGES = new Set<string>(MM.MODEL_STAGES);

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
      : `${props.alias} → ${versionLabel(props.version, 'model')}`;
  return (
    <span
      className="jp-mm-AliasBadge"
      title={
        props.version === undefined
          ? `Alias ${props.alias}`
          : `Alias ${props.alias} points at version ${props.version}`
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

/**
 * Props of {@link StatusBadge}.
 */
export interface IStatusBadgeProps {
  /** Run status (`running`, `finished`, `failed`, ...). */
  status: string;
  /** Show a coloured dot (with the status as tooltip and for screen readers). */
  compact?: boolean;
}

const KNOWN_STATUSES = new Set<string>(MM.RUN_STATUSES);

/**
 * A coloured pill showing a run's status.
 */
export function StatusBadge(props: IStatusBadgeProps): JSX.Element {
  const kind = KNOWN_STATUSES.has(props.status) ? props.status : 'unknown';
  const className =
    `jp-mm-StatusBadge jp-mm-StatusBadge-${kind}` +
    (props.compact ? ' jp-mm-mod-compact' : '');
  return (
    <span className={className} title={props.status} data-status={props.status}>
      <span className="jp-mm-StatusBadge-text">{props.status}</span>
    </span>
  );
}

/**
 * A model version's stage as a coloured pill: `production`, or `v3 production`
 * with a version.
 */
export function StageBadge(props: {
  stage: string;
  version?: number;
}): JSX.Element {
  const stage = KNOWN_STAGES.has(props.stage) ? props.stage : 'other';
  const text =
    props.version === undefined
      ? props.stage || 'none'
      : `${versionLabel(props.version, 'model')} ${props.stage}`;
  return (
    <span
      className={`jp-mm-StageBadge jp-mm-StageBadge-${stage}`}
      title={
        props.version === undefined
          ? `Stage: ${props.stage || 'none'}`
          : `Version ${props.version} is in ${props.stage}`
      }
      data-stage={props.stage}
      data-version={props.version}
    >
      {text}
    </span>
  );
}

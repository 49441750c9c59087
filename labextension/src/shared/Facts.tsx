import * as React from 'react';

import { formatValue } from './format';
import * as MM from './types';

/**
 * One fact of a `jp-mm-Facts` definition list: the label and its value.
 */
export function Fact(props: {
  label: string;
  /** A class of the value (`<dd>`). */
  className?: string;
  /** Tooltip of the value. */
  title?: string;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <>
      <dt>{props.label}</dt>
      <dd className={props.className} title={props.title}>
        {props.children}
      </dd>
    </>
  );
}

/**
 * The tags of a run, artifact or model as `key value` chips; nothing without
 * tags.
 */
export function TagsFact(props: {
  tags: Readonly<Record<string, MM.JSONValue>>;
}): JSX.Element | null {
  const tags = Object.entries(props.tags);
  if (tags.length === 0) {
    return null;
  }
  return (
    <Fact label="Tags" className="jp-mm-RunHeader-tags">
      {tags.map(([key, value]) => (
        <span key={key} className="jp-mm-Tag">
          <span className="jp-mm-Tag-key">{key}</span>
          <span className="jp-mm-Tag-value">{formatValue(value)}</span>
        </span>
      ))}
    </Fact>
  );
}

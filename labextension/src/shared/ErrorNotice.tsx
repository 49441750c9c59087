import * as React from 'react';

/**
 * A red notice with one message, announced to assistive technology
 * (`role="alert"`).
 */
export function ErrorNotice(props: { text: string }): JSX.Element {
  return (
    <div className="jp-mm-Notice jp-mm-Notice-error" role="alert">
      {props.text}
    </div>
  );
}

import { MimeModel, IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { formatBytes } from '../shared/format';
import * as MM from './types';

/**
 * Props of {@link OutputView}.
 */
export interface IOutputViewProps {
  /** The recorded output. Untrusted. */
  output: MM.IOutput;
  /** JupyterLab's renderers; without it only text and images are shown. */
  rendermime: IRenderMimeRegistry | null;
  /** Fetch a blob's bytes by digest. */
  loadBlob: (digest: string) => Promise<Blob>;
}

/** Blob media types shown as `<img>` (an `<img>` never runs scripts, even SVG). */
function isImage(mime: string): boolean {
  return /^image\/(png|jpeg|gif|webp|bmp|svg\+xml)$/.test(mime);
}

/**
 * One recorded output: streams as text, images from blobs, anything else through
 * the rendermime registry with `trusted: false`, so HTML is sanitized and scripts
 * never run.
 */
export function OutputView(props: IOutputViewProps): JSX.Element {
  const { output, rendermime } = props;
  let body: JSX.Element;
  if (output.output_type === 'stream') {
    body = <StreamOutput output={output} loadBlob={props.loadBlob} />;
  } else {
    const data = output.data ?? {};
    const blobMimes = Object.keys(output.blobs);
    // Rank data and blob media types together, as one bundle.
    const ranked: Record<string, string> = {};
    for (const mime of [...Object.keys(data), ...blobMimes]) {
      ranked[mime] = '';
    }
    let mime = rendermime?.preferredMimeType(ranked, 'ensure');
    if (!mime) {
      mime =
        blobMimes.find(isImage) ??
        ('text/plain' in data ? 'text/plain' : undefined);
    }
    const blob = mime ? output.blobs[mime] : undefined;
    if (mime && blob && isImage(mime)) {
      body = (
        <BlobImage digest={blob.digest} mime={mime} loadBlob={props.loadBlob} />
      );
    } else if (mime && blob) {
      body = (
        <BlobBundle
          mime={mime}
          digest={blob.digest}
          metadata={output.metadata}
          rendermime={rendermime}
          loadBlob={props.loadBlob}
        />
      );
    } else if (mime && rendermime) {
      body = (
        <MimeBundle
          data={data}
          metadata={output.metadata}
          mime={mime}
          rendermime={rendermime}
        />
      );
    } else if (typeof data['text/plain'] === 'string') {
      body = <pre className="jp-mm-OutputView-text">{data['text/plain']}</pre>;
    } else {
      body = (
        <div className="jp-mm-OutputView-note">
          {`(${[...Object.keys(data), ...blobMimes].join(', ') || 'empty'} output not shown)`}
        </div>
      );
    }
  }
  return (
    <div className="jp-mm-OutputView" data-output-type={output.output_type}>
      {body}
      {output.truncated_bytes > 0 && (
        <div className="jp-mm-OutputView-note">
          {`… ${formatBytes(output.truncated_bytes)} cut off`}
        </div>
      )}
    </div>
  );
}

interface IStreamOutputProps {
  output: MM.IOutput;
  loadBlob: (digest: string) => Promise<Blob>;
}

/**
 * A stream as text. When the server kept the full text in a blob, a button
 * loads it on demand (it can be megabytes).
 */
function StreamOutput(props: IStreamOutputProps): JSX.Element {
  const { output, loadBlob } = props;
  const [full, setFull] = React.useState<string | null>(null);
  const [state, setState] = React.useState<'idle' | 'loading' | 'error'>(
    'idle'
  );
  const blob = output.blobs['text/plain'];
  const load = (): void => {
    if (!blob) {
      return;
    }
    setState('loading');
    loadBlob(blob.digest)
      .then(b => b.text())
      .then(text => {
        setFull(text);
        setState('idle');
      })
      .catch(() => setState('error'));
  };
  return (
    <>
      <pre
        className={
          'jp-mm-OutputView-stream' +
          (output.name === 'stderr' ? ' jp-mm-mod-stderr' : '')
        }
      >
        {full ?? output.text ?? ''}
      </pre>
      {blob && full === null && (
        <button
          className="jp-mm-Button jp-mm-OutputView-more"
          onClick={load}
          disabled={state === 'loading'}
        >
          {state === 'loading'
            ? 'Loading…'
            : state === 'error'
              ? 'Could not load the full output, retry'
              : `Show full output (${formatBytes(blob.size)})`}
        </button>
      )}
    </>
  );
}

interface IMimeBundleProps {
  data: Record<string, MM.JSONValue>;
  metadata: Record<string, MM.JSONValue>;
  mime: string;
  rendermime: IRenderMimeRegistry;
}

/**
 * Render a MIME bundle with a JupyterLab renderer, untrusted.
 */
function MimeBundle(props: IMimeBundleProps): JSX.Element {
  const host = React.useRef<HTMLDivElement>(null);
  const { data, metadata, mime, rendermime } = props;
  // Outputs are re-decoded on every refresh: compare by content, not identity.
  const key = JSON.stringify([mime, data, metadata]);
  React.useEffect(() => {
    const node = host.current;
    if (!node) {
      return;
    }
    const renderer = rendermime.createRenderer(mime);
    const model = new MimeModel({
      data: data as ReadonlyPartialJSONObject,
      metadata: metadata as ReadonlyPartialJSONObject,
      trusted: false
    });
    renderer.addClass('jp-mm-OutputView-rendered');
    if (node.isConnected) {
      Widget.attach(renderer, node);
    } else {
      node.appendChild(renderer.node);
    }
    renderer.renderModel(model).catch(err => {
      console.warn('mm-jupyter: cannot render output', err);
    });
    return () => {
      if (!renderer.isAttached && renderer.node.parentNode === node) {
        node.removeChild(renderer.node);
      }
      renderer.dispose();
    };
  }, [key, rendermime]);
  return <div className="jp-mm-OutputView-mime" ref={host} />;
}

interface IBlobProps {
  digest: string;
  mime: string;
  loadBlob: (digest: string) => Promise<Blob>;
}

/**
 * An image blob, fetched with the server's auth and shown through an object URL.
 */
function BlobImage(props: IBlobProps): JSX.Element {
  const { digest, mime, loadBlob } = props;
  const [url, setUrl] = React.useState<string | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  React.useEffect(() => {
    let objectUrl: string | null = null;
    let cancelled = false;
    loadBlob(digest)
      .then(blob => {
        if (!cancelled) {
          // Trust the recorded type, not whatever the response said.
          objectUrl = URL.createObjectURL(new Blob([blob], { type: mime }));
          setUrl(objectUrl);
        }
      })
      .catch(err => !cancelled && setError(String(err)));
    return () => {
      cancelled = true;
      if (objectUrl) {
        URL.revokeObjectURL(objectUrl);
      }
    };
  }, [digest, mime, loadBlob]);
  if (error) {
    return (
      <div className="jp-mm-OutputView-note">{`Cannot load image: ${error}`}</div>
    );
  }
  return url ? (
    <img className="jp-mm-OutputView-image" src={url} alt={`${mime} output`} />
  ) : (
    <div className="jp-mm-OutputView-note">Loading image…</div>
  );
}

interface IBlobBundleProps extends IBlobProps {
  metadata: Record<string, MM.JSONValue>;
  rendermime: IRenderMimeRegistry | null;
}

/**
 * A non-image output kept in a blob: fetched as text, then rendered untrusted.
 */
function BlobBundle(props: IBlobBundleProps): JSX.Element {
  const { digest, mime, loadBlob } = props;
  const [value, setValue] = React.useState<MM.JSONValue | undefined>(undefined);
  const [error, setError] = React.useState<string | null>(null);
  React.useEffect(() => {
    let cancelled = false;
    loadBlob(digest)
      .then(blob => blob.text())
      .then(text => {
        if (!cancelled) {
          setValue(
            /json$/.test(mime) ? (JSON.parse(text) as MM.JSONValue) : text
          );
        }
      })
      .catch(err => !cancelled && setError(String(err)));
    return () => {
      cancelled = true;
    };
  }, [digest, mime, loadBlob]);
  if (error) {
    return (
      <div className="jp-mm-OutputView-note">{`Cannot load output: ${error}`}</div>
    );
  }
  if (value === undefined) {
    return <div className="jp-mm-OutputView-note">Loading output…</div>;
  }
  if (!props.rendermime) {
    return (
      <pre className="jp-mm-OutputView-text">
        {typeof value === 'string' ? value : JSON.stringify(value)}
      </pre>
    );
  }
  return (
    <MimeBundle
      data={{ [mime]: value }}
      metadata={props.metadata}
      mime={mime}
      rendermime={props.rendermime}
    />
  );
}

/**
 * Icons of the extension, from inline SVG so that they theme with JupyterLab.
 */
import { LabIcon } from '@jupyterlab/ui-components';

const MM_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M4 3h2v16h15v2H4z"/>
    <path d="M8.2 15.6 6.8 14.2l4.2-4.2 3 3 5.3-5.3 1.4 1.4-6.7 6.7-3-3z"/>
    <circle cx="11" cy="10" r="1.6"/>
    <circle cx="14" cy="13" r="1.6"/>
    <circle cx="19.3" cy="7.7" r="1.6"/>
  </g>
</svg>`;

/**
 * The mm-jupyter icon: a rising line chart on axes.
 */
export const mmIcon = new LabIcon({ name: 'mm-jupyter:icon', svgstr: MM_SVG });

const ARTIFACT_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M12 2 3 6.5v11L12 22l9-4.5v-11zm0 2.2 6.3 3.1L12 10.5 5.7 7.3zM5 9l6 3v7.6l-6-3zm8 10.6V12l6-3v7.6z"/>
  </g>
</svg>`;

/**
 * An artifact: a package box.
 */
export const artifactIcon = new LabIcon({
  name: 'mm-jupyter:artifact',
  svgstr: ARTIFACT_SVG
});

const LINEAGE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <rect x="2" y="9" width="6" height="6" rx="1"/>
    <rect x="16" y="3" width="6" height="6" rx="3"/>
    <rect x="16" y="15" width="6" height="6" rx="1"/>
    <path d="M8 11.2h3.2V6.2H16v1.6h-3.2v3.4H8zm0 1.6h4.8v4.4H16v1.6h-4.8v-4.4H8z"/>
  </g>
</svg>`;

/**
 * Lineage: boxes joined left to right.
 */
export const lineageIcon = new LabIcon({
  name: 'mm-jupyter:lineage',
  svgstr: LINEAGE_SVG
});

const MODEL_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M2.5 3.5A1 1 0 0 1 3.5 2.5h7.1a1 1 0 0 1 .7.3l9.9 9.9a1 1 0 0 1 0 1.4l-7.1 7.1a1 1 0 0 1-1.4 0l-9.9-9.9a1 1 0 0 1-.3-.7zm2 1v6.2l8.9 8.9 5.7-5.7-8.9-8.9z"/>
    <circle cx="7.5" cy="7.5" r="1.8"/>
    <path d="M10.6 13.4l1.4-1.4 1.4 1.4 3-3 1.4 1.4-4.4 4.4z"/>
  </g>
</svg>`;

/**
 * A registered model: a label tag with a check mark.
 */
export const modelIcon = new LabIcon({
  name: 'mm-jupyter:model',
  svgstr: MODEL_SVG
});

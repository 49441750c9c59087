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

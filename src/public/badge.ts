import type { PageStatus } from '../status/rollup.js';
import { escapeHtml } from './plain-text.js';

// The colours of common repository badges (shields.io's brightgreen, yellow, orange, red, blue).
const colours: Record<PageStatus['indicator'], string> = {
  none: '#2e7d32',
  minor: '#a06800',
  major: '#c2410c',
  critical: '#c62828',
  maintenance: '#0366d6',
};

// Approximate advance widths of Verdana 11px, which badges are drawn with; unknown characters count as wide.
const narrow = new Set('fijlrtI.,:;!|\' ()[]');
const textWidth = (text: string) => [...text].reduce((w, ch) => w + (narrow.has(ch) ? 4 : ch === ch.toUpperCase() && /[A-Z]/.test(ch) ? 8 : 7), 0);

/** A flat two-part SVG badge, "status | All Systems Operational", coloured by the indicator. */
export function statusBadge(label: string, status: PageStatus): string {
  const left = textWidth(label) + 12;
  const right = textWidth(status.description) + 12;
  const width = left + right;
  const l = escapeHtml(label);
  const r = escapeHtml(status.description);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${l}: ${r}">
<title>${l}: ${r}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" fill="${colours[status.indicator]}"/><rect width="${width}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${left / 2}" y="15" fill="#010101" fill-opacity=".3">${l}</text><text x="${left / 2}" y="14">${l}</text>
<text x="${left + right / 2}" y="15" fill="#010101" fill-opacity=".3">${r}</text><text x="${left + right / 2}" y="14">${r}</text>
</g>
</svg>
`;
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => escapes[c]!);

// http(s) URLs up to whitespace or a quote/angle bracket; trailing punctuation stays outside the link.
const urlPattern = /\bhttps?:\/\/[^\s<>"']+/gi;
const trailingPunctuation = /[.,;:!?)\]}]+$/;

/**
 * Incident text as HTML: everything escaped, http(s) URLs linked, line breaks kept as <br>.
 * Only these two constructs are ever produced, so a hostile body stays inert.
 */
export function plainTextToHtml(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(urlPattern)) {
    let url = match[0];
    const trailing = trailingPunctuation.exec(url)?.[0] ?? '';
    url = url.slice(0, url.length - trailing.length);
    html += escapeHtml(text.slice(last, match.index));
    html += `<a href="${escapeHtml(url)}" rel="nofollow noopener noreferrer">${escapeHtml(url)}</a>`;
    last = match.index + url.length;
  }
  html += escapeHtml(text.slice(last));
  return html.replace(/\r\n|\r|\n/g, '<br>\n');
}

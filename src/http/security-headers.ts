const htmlPolicy = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "script-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every response carries; HTML gets a strict Content-Security-Policy on top. */
export function securityHeaders(contentType: string): Record<string, string> {
  const base = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'strict-origin-when-cross-origin' };
  return contentType.startsWith('text/html') ? { ...base, 'content-security-policy': htmlPolicy, 'x-frame-options': 'DENY' } : base;
}

import type { Request, Response } from 'express';

export const sessionCookie = 'herald_admin';
export const loginCookie = 'herald_login';

/** One cookie from the request, without a parser dependency; malformed encodings count as absent. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at === -1 || part.slice(0, at).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(at + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface CookieOptions {
  secure: boolean;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
}

/** HttpOnly (no script reads it), SameSite=Lax (no cross-site POST carries it), scoped to the console. */
export function writeCookie(res: Response, name: string, value: string, options: CookieOptions): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/admin', 'HttpOnly', 'SameSite=Lax', `Max-Age=${options.maxAge}`];
  if (options.secure) parts.push('Secure');
  res.append('set-cookie', parts.join('; '));
}

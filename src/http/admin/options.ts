import type { Eta } from 'eta';
import { defaultThrottlePolicy, type ThrottlePolicy } from '../../admin/login-throttle.js';
import { defaultSessionPolicy, type SessionPolicy } from '../../admin/sessions.js';
import type { DomainContext } from '../../context.js';
import type { Logger } from '../../logger.js';

export interface AdminOptions {
  /** Marks cookies Secure; on when the public URL is https. */
  secureCookies: boolean;
  session: SessionPolicy;
  throttle: ThrottlePolicy;
}

export const defaultAdminOptions: AdminOptions = { secureCookies: false, session: defaultSessionPolicy, throttle: defaultThrottlePolicy };

export interface AdminDeps {
  ctx: DomainContext;
  views: Eta;
  logger: Logger;
  maxBodyBytes: number;
  options: AdminOptions;
}

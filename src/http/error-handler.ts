import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, type ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';

const statusByCode: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation: 422,
  rate_limited: 429,
  internal: 500,
};

// body-parser and express report request problems as errors with a `type` or a 4xx `status`.
function fromTransportError(err: { type?: unknown; status?: unknown; message?: unknown; limit?: unknown }): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError('bad_request', `Malformed JSON in request body: ${String(err.message)}`);
    case 'entity.too.large':
      return new AppError('payload_too_large', `Request body is larger than the ${String(err.limit)}-byte limit`);
    case 'parameters.too.many':
      return new AppError('payload_too_large', 'Request body has too many parameters');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', String(err.message));
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError('bad_request', String(err.message));
  }
  if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
    return new AppError(err.status === 404 ? 'not_found' : 'bad_request', String(err.message || 'Bad request'));
  }
  return undefined;
}

/** A URL fit for the log: API keys in the query and subscription link secrets are cut out. */
export function redactUrl(url: string): string {
  return url
    .replace(/([?&]api_key=)[^&#]*/gi, '$1[redacted]')
    .replace(/(\/subscriptions\/(?:confirm|manage|unsubscribe)\/[a-z0-9]{12}\.)[^/?#]+/gi, '$1[redacted]');
}

/** The only place errors become HTTP statuses. 5xx details are logged, never shown. */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const appError = err instanceof AppError ? err : fromTransportError((err ?? {}) as Record<string, unknown>);
    const status = appError ? statusByCode[appError.code] : 500;
    if (status >= 500) {
      logger.error('request failed', { method: req.method, url: redactUrl(req.originalUrl), error: err instanceof Error ? err.stack : String(err) });
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (appError?.details.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(appError.details.retryAfterSeconds));
    const message = appError && status < 500 ? appError.message : 'Internal Server Error';
    res.status(status).json({ error: message });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `No route for ${req.method} ${req.path}`));
};

/** What a channel reports about one attempt. Channels never touch the database; the worker records this. */
export type DeliveryResult =
  | { ok: true; durationMs: number; statusCode?: number; responseExcerpt?: string }
  | {
      ok: false;
      durationMs: number;
      /** false: retrying cannot help (SMTP 5xx, refused address); the delivery fails now. */
      retryable: boolean;
      /** The endpoint said it is gone for good (HTTP 410): stop sending to it at all. */
      gone?: boolean;
      statusCode?: number;
      retryAfterMs?: number;
      error: string;
      responseExcerpt?: string;
    };

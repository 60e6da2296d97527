import { z } from 'zod';
import { bool, idList } from '../validation.js';

export const emailAddress = z
  .string({ error: 'must be an email address' })
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be an email address such as ops@example.com'));

export const CreateSubscriberInput = z.object({
  email: emailAddress,
  endpoint: z.string({ error: 'must be a URL string' }).trim().max(2048, 'must be at most 2048 characters').optional(),
  component_ids: idList.refine((ids) => ids.length > 0, 'must list at least one component when given').optional(),
  incident_id: z.string().max(64).optional(),
  skip_confirmation_notification: bool.optional(),
  phone_number: z.unknown().optional(),
  phone_country: z.unknown().optional(),
});
export type CreateSubscriberInput = z.infer<typeof CreateSubscriberInput>;

export const UpdateSubscriberInput = z.object({ component_ids: idList.optional() });

const subscriberIds = z.union([z.literal('all'), idList], { error: 'must be a list of subscriber ids or "all"' });
export const BulkSubscribersInput = z.object({
  subscribers: subscriberIds,
  type: z.enum(['email', 'webhook']).optional(),
  state: z.enum(['active', 'unconfirmed', 'quarantined', 'unsubscribed', 'all']).optional(),
});

import { z } from 'zod';
import { componentStatuses } from '../db/schema/constants.js';
import { bool, calendarDate, idList, name, nullable, text } from '../validation.js';

export const componentStatus = z.enum(componentStatuses, {
  error: `must be one of ${componentStatuses.join(', ')}`,
});

export const ComponentInput = z
  .object({
    name,
    description: nullable(text(2000)),
    status: componentStatus,
    only_show_if_degraded: bool,
    group_id: nullable(z.string().max(64)),
    showcase: bool,
    start_date: nullable(calendarDate),
  })
  .partial();
export type ComponentInput = z.infer<typeof ComponentInput>;

export const ComponentGroupInput = z
  .object({
    name,
    description: nullable(text(2000)),
    components: idList.refine((ids) => ids.length > 0, 'must list at least one component: a group cannot be empty'),
  })
  .partial();
export type ComponentGroupInput = z.infer<typeof ComponentGroupInput>;

import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';

export const viewsFolder = fileURLToPath(new URL('../views', import.meta.url));

/** The one template engine, shared by pages and (later) emails so escaping rules match. */
export function createViews(options: { cache: boolean }): Eta {
  // No automatic newline trimming: the plain-text emails need their line breaks exactly as written
  // (control-flow lines that should vanish end in `-%>`).
  return new Eta({ views: viewsFolder, cache: options.cache, autoEscape: true, autoTrim: false });
}

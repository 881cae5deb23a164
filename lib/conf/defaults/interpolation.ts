/**
 * `${group}` in a defaults-list choice (`db: ${engine}_db`), replaced with the choice of that group
 * once the rest of the list is known. Only whole choices interpolate, as in Hydra: no resolvers.
 * @module
 */
import { ConfigCompositionError } from './errors.js';

const REFERENCE = /\$\{\s*([^{}]*?)\s*\}/g;

/** `text` with every `${key}` naming a known choice replaced by that choice; an unknown key is an error listing the known ones. */
export function interpolateChoice(text: string, knownChoices: Readonly<Record<string, string | null>>): string {
  const resolved = text.replace(REFERENCE, (match, key: string) => {
    const choice = Object.hasOwn(knownChoices, key.trim()) ? knownChoices[key.trim()] : undefined;
    return typeof choice === 'string' ? choice : match;
  });
  if (!resolved.includes('${')) return resolved;
  const keys = Object.keys(knownChoices);
  const hint = keys.length > 0 ? `, possible interpolation keys: ${keys.join(', ')}` : '';
  throw new ConfigCompositionError(`Error resolving interpolation '${text}'${hint}`);
}

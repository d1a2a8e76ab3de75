// Locates the normative JSON files in `shared/reference/`, which sits next to the
// repository (the repository root's parent holds `shared/`). Tests that compare
// against them skip visibly when the checkout has no such sibling.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const referenceDir = fileURLToPath(new URL('../../../../shared/reference/', import.meta.url));

/** The parsed reference file, or undefined when it is not present. */
export function readReference(name: string): unknown {
  const path = referenceDir + name;
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

export function missingReason(name: string): string {
  return `reference file ${referenceDir}${name} not found (no shared/ next to the repository)`;
}

// Text no database stores faithfully: PostgreSQL refuses U+0000 in text (an
// internal error, were it to get there), and a lone UTF-16 surrogate has no UTF-8
// form, so it would come back changed. Every string of a request part is checked
// once its schema has passed, keys included, so no route can forget one.

// In a /u pattern a lone surrogate is a code point of category Cs; a valid pair is not.
const illFormed = /[\0\p{Cs}]/u;

function problem(text: string): string | undefined {
  if (!illFormed.test(text)) return undefined;
  return text.includes('\0') ? 'must not contain U+0000' : 'must be well-formed Unicode (it has a lone surrogate)';
}

/** "<path> <what is wrong>" for the first ill-formed string in `value`, or undefined. */
export function illFormedText(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') {
    const found = problem(value);
    return found && `${path} ${found}`;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = illFormedText(value[i], `${path}/${i}`);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const badKey = problem(key);
    if (badKey) return `${path} has a field name that ${badKey}`;
    const found = illFormedText((value as Record<string, unknown>)[key], `${path}/${key}`);
    if (found) return found;
  }
  return undefined;
}

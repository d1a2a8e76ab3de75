// Losant's filter glob: `*` matches any run of characters; every other character,
// including SQL's own `%` and `_`, is literal. Translated to LIKE with `\` as escape.
export function globToLike(glob: string): string {
  let out = '';
  for (const ch of glob) {
    if (ch === '*') out += '%';
    else if (ch === '%' || ch === '_' || ch === '\\') out += '\\' + ch;
    else out += ch;
  }
  return out;
}

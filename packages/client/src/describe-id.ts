// An application id as a message shows it: verbatim when well-formed, quoted and
// shortened otherwise (it may come from a URL).
import { idPattern } from '@latchkey/contract';

export const applicationIdShape = new RegExp(idPattern);

export function describeId(id: string): string {
  if (applicationIdShape.test(id)) return id;
  return JSON.stringify(id.length > 64 ? `${id.slice(0, 64)}…` : id);
}

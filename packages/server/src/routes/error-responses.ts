import { errorSchema } from '@latchkey/contract';

/** Response schemas of the errors every authenticated route may answer with. */
export const errorResponses = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema } as const;

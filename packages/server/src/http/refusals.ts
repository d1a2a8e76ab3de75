// The answers to a refused authentication, kept per app. The authenticate hook and
// the early refusal answer with the same ones, so both give the same bytes.
import { errors } from '../errors.js';
import { KeptAnswer } from './bare-response.js';

export interface Refusals {
  unauthorized: KeptAnswer;
  tooManyRequests: KeptAnswer;
}

export function createRefusals(): Refusals {
  return { unauthorized: new KeptAnswer(errors.unauthorized()), tooManyRequests: new KeptAnswer(errors.tooManyRequests()) };
}

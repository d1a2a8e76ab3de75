export * from './token-format.js';
export * from './ids.js';
export * from './scopes.js';
export * from './actions.js';
export { scopeCatalogue } from './scope-catalogue.js';
export * from './schemas/common.js';
export * from './schemas/error.js';
export * from './schemas/api-token.js';

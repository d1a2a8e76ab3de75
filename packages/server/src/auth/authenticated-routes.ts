// Which route a URL reaches, and whether that route authenticates, known before
// Fastify sees the request (for app.ts's early refusals). Nothing is restated by
// hand: every route Fastify registers is mirrored into a find-my-way router (the
// router Fastify itself uses, with the same options and the same routes in the
// same order), marked by whether its onRequest runs the authenticate hook. So the
// two always agree on where a URL goes, including static routes that shadow
// parametric ones.
import FindMyWay from 'find-my-way';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';

type RouterOptions = FindMyWay.Config<FindMyWay.HTTPVersion.V1>;
const noop = () => undefined;

/**
 * Mirrors the routes registered on `app` from now on; the answer is the route's
 * template (what metrics label it by) when `method url` reaches a route whose
 * onRequest includes `authenticate`, else undefined.
 */
export function authenticatedRoutes(
  app: FastifyInstance,
  authenticate: onRequestHookHandler,
  options: RouterOptions,
): (method: string | undefined, url: string) => string | undefined {
  const router = FindMyWay(options);
  app.addHook('onRoute', (route) => {
    router.on(route.method as FindMyWay.HTTPMethod | FindMyWay.HTTPMethod[], route.url, noop, {
      authenticated: [route.onRequest].flat().includes(authenticate),
      template: route.url,
    });
  });
  return (method, url) => {
    const found = router.find(method as FindMyWay.HTTPMethod, url);
    return found?.store.authenticated === true ? (found.store.template as string) : undefined;
  };
}

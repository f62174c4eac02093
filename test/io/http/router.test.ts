/**
 * The router finds the same route whether a path is walked or its answer was kept: by
 * method and path, with parameters decoded, 405 with the allowed methods, 404, and routes
 * added after a first request.
 */
import t from 'tap';
import { RouteHandler } from '../../../io/http/http_types.js';
import { Router } from '../../../io/http/router.js';

function named(name: string): RouteHandler & { route_name: string } {
  return Object.assign(() => {}, { route_name: name });
}

function routeName(router: Router, method: string, path: string): string {
  const match = router.match(method, path);
  if (match.kind === 'found') return `${(match.handler as RouteHandler & { route_name: string }).route_name}(${match.params.join(',')})`;
  return match.kind === 'method_not_allowed' ? `405 ${match.allowed.join(',')}` : '404';
}

function ordersRouter(): Router {
  return new Router()
    .add('POST', '/orders', named('place'))
    .add('GET', '/orders', named('list'))
    .add('GET', '/orders/:order_id', named('get'))
    .add('DELETE', '/orders/:order_id', named('cancel'))
    .add('GET', '/health/live', named('live'));
}

t.test('a path is answered the same the first time and every time after', async (t) => {
  const router = ordersRouter();
  const cases: [string, string, string][] = [
    ['POST', '/orders', 'place()'],
    ['GET', '/orders', 'list()'],
    ['GET', '/orders/42', 'get(42)'],
    ['DELETE', '/orders/a%20b', 'cancel(a b)'],
    ['PUT', '/orders', '405 POST,GET'],
    ['PATCH', '/health/live', '405 GET'],
    ['GET', '/nowhere', '404'],
    ['GET', '/orders/', 'list()'],
    ['POST', '//orders', 'place()'],
    ['get', '/orders', '405 POST,GET'],
  ];
  for (let round = 0; round < 3; round++) {
    for (const [method, path, expected] of cases) t.equal(routeName(router, method, path), expected, `round ${round}: ${method} ${path}`);
  }
});

t.test('a route added after the first requests is found', async (t) => {
  const router = ordersRouter();
  t.equal(routeName(router, 'PUT', '/orders'), '405 POST,GET');
  t.equal(routeName(router, 'POST', '/orders'), 'place()');
  router.add('PUT', '/orders', named('replace_all'));
  t.equal(routeName(router, 'PUT', '/orders'), 'replace_all()');
  t.equal(routeName(router, 'POST', '/orders'), 'place()');
});

t.test('the first route registered for a method and path wins, walked or kept', async (t) => {
  const router = new Router()
    .add('GET', '/orders/:order_id', named('by_id'))
    .add('GET', '/orders/open', named('open'));
  t.equal(routeName(router, 'GET', '/orders/open'), 'by_id(open)');
  t.equal(routeName(router, 'GET', '/orders/open'), 'by_id(open)');
});

import { createServer, type Server } from 'node:http';

/**
 * Two tiny demo upstreams for the quickstart: a user service and an order service. They echo what the
 * gateway sent (path, X-Request-ID, X-Forwarded-For) so a newcomer can see the proxy at work.
 */
export interface DemoServices {
  users: Server;
  orders: Server;
  close(): Promise<void>;
}

function service(name: string, handler: (id: string) => Record<string, unknown>): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo');
    const parts = url.pathname.split('/').filter(Boolean);
    const id = parts[1] ?? '';
    const body = JSON.stringify(
      {
        service: name,
        ...(id ? handler(id) : { items: [handler('1'), handler('2')] }),
        seen: {
          method: req.method,
          path: url.pathname,
          request_id: req.headers['x-request-id'] ?? null,
          forwarded_for: req.headers['x-forwarded-for'] ?? null,
          // Set by Portico on routes with an auth plugin (a client's own copy is removed there first).
          consumer: req.headers['x-consumer-username'] ?? null,
        },
      },
      null,
      2,
    );
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}

export async function startDemoServices(usersPort = 9001, ordersPort = 9002, host = '127.0.0.1'): Promise<DemoServices> {
  const users = service('user-service', (id) => ({ id, name: `User ${id}`, email: `user${id}@example.com` }));
  const orders = service('order-service', (id) => ({ id, status: 'shipped', total_cents: 4200 }));
  await Promise.all([
    new Promise<void>((r) => users.listen(usersPort, host, r)),
    new Promise<void>((r) => orders.listen(ordersPort, host, r)),
  ]);
  return {
    users,
    orders,
    close: async () => {
      await Promise.all([users, orders].map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}

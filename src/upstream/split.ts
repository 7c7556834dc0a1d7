import type { Ctx } from '../sdk/context.ts';
import type { ServiceRuntime } from './service.ts';
import { pickCumulative } from './balancer/random.ts';
import { hash32 } from './hash.ts';

/** The service chosen for a request and, for a new cookie-sticky user, the Set-Cookie that pins them. */
export interface SplitChoice {
  service: ServiceRuntime;
  setCookie: string | null;
}

/**
 * A route's weighted split across services (canary). Without stickiness each request draws by weight. With
 * `sticky: consumer` the consumer id is hashed onto the weights (same consumer, same side while weights stay);
 * with `sticky: cookie:NAME` a cookie naming a service pins to it, any other cookie value is hashed, and a
 * request without the cookie draws by weight and gets the cookie set to the chosen service's name.
 */
export class Split {
  readonly services: readonly ServiceRuntime[];
  private readonly cumulative: number[];
  private readonly total: number;
  private readonly cookie: string | null;
  private readonly byConsumer: boolean;
  private readonly byName: Map<string, ServiceRuntime>;

  constructor(entries: readonly { service: ServiceRuntime; weight: number }[], sticky: string | undefined) {
    const live = entries.filter((e) => e.weight > 0);
    this.services = live.map((e) => e.service);
    let sum = 0;
    this.cumulative = live.map((e) => (sum += e.weight));
    this.total = sum;
    this.cookie = sticky?.startsWith('cookie:') ? sticky.slice(7) : null;
    this.byConsumer = sticky === 'consumer';
    this.byName = new Map(live.map((e) => [e.service.name, e.service]));
  }

  choose(ctx: Ctx): SplitChoice | null {
    if (this.total === 0) return null;
    if (this.byConsumer && ctx.consumer !== null) return { service: this.at(hash32(ctx.consumer.id) % this.total), setCookie: null };
    if (this.cookie !== null) {
      const v = ctx.cookies[this.cookie];
      if (v !== undefined) {
        const named = this.byName.get(v);
        return { service: named ?? this.at(hash32(v) % this.total), setCookie: null };
      }
      const s = this.at(Math.floor(Math.random() * this.total));
      return { service: s, setCookie: `${this.cookie}=${encodeURIComponent(s.name)}; Path=/; HttpOnly; SameSite=Lax` };
    }
    return { service: this.at(Math.floor(Math.random() * this.total)), setCookie: null };
  }

  private at(r: number): ServiceRuntime {
    return pickCumulative(this.services, this.cumulative, r);
  }
}

/** A route's traffic mirror: the service copies go to, and the share of requests copied. */
export interface Mirror {
  readonly service: ServiceRuntime;
  readonly fraction: number;
}

import type { Balancer } from './balancer.ts';
import { RoundRobin } from './round-robin.ts';
import { WeightedRoundRobin } from './weighted-round-robin.ts';
import { LeastConnections } from './least-connections.ts';
import { RandomBalancer } from './random.ts';
import { PowerOfTwo } from './p2c.ts';
import { ConsistentHash } from './consistent-hash.ts';
import { LeastLatency } from './least-latency.ts';

export type { Balancer } from './balancer.ts';

/** The `balancer:` names a service may use. */
export const BALANCERS = [
  'round-robin',
  'weighted-round-robin',
  'least-connections',
  'random',
  'p2c',
  'consistent-hash',
  'least-latency',
] as const;
export type BalancerName = (typeof BALANCERS)[number];

export function createBalancer(name: BalancerName): Balancer {
  switch (name) {
    case 'round-robin':
      return new RoundRobin();
    case 'weighted-round-robin':
      return new WeightedRoundRobin();
    case 'least-connections':
      return new LeastConnections();
    case 'random':
      return new RandomBalancer();
    case 'p2c':
      return new PowerOfTwo();
    case 'consistent-hash':
      return new ConsistentHash();
    case 'least-latency':
      return new LeastLatency();
  }
}

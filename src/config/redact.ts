import { isRecord } from './data.ts';

export const REDACTED = '[redacted]';

// `-` as well as `_`: header maps in plugin configs hold secrets under names like `X-Api-Key`.
const SECRET_KEY =
  /(^|[_-])(token|secret|password|password_hash|key|api_key|private_key|client_secret|credentials?)$/i;
// Inside consumer credentials everything is presumed secret (auth plugins add fields we cannot foresee),
// except these fields, which identify a credential rather than prove it.
const CREDENTIAL_PUBLIC = new Set(['id', 'username', 'name', 'algorithm', 'description']);

/**
 * A deep copy safe to show (admin API, logs): string values under secret-looking keys become "[redacted]",
 * and so does every string inside a `credentials` map except the identifying fields above. Only strings are
 * redacted: rate limiting's `key: [consumer, ip]` names what to count by and is not a secret. Empty strings
 * stay empty (an unset `admin.token` is `''`; showing that it is unset leaks nothing).
 */
export function redactConfig(config: unknown): unknown {
  return copy(config, false);
}

// user:password@ in a URL (e.g. store.redis.url: redis://:secret@host:6379).
const URL_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i;

function copy(value: unknown, secret: boolean): unknown {
  if (typeof value === 'string') {
    if (secret && value !== '') return REDACTED;
    return URL_USERINFO.test(value) ? value.replace(URL_USERINFO, `$1${REDACTED}@`) : value;
  }
  if (Array.isArray(value)) return value.map((v) => copy(v, secret));
  if (!isRecord(value)) return value;
  // fromEntries defines own properties, so a `__proto__` key in the data stays a plain key.
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (k === 'credentials' && isRecord(v)) return [k, copy(v, true)];
      if (typeof v === 'string' && SECRET_KEY.test(k)) return [k, v === '' ? '' : REDACTED];
      return [k, copy(v, secret && !CREDENTIAL_PUBLIC.has(k))];
    }),
  );
}

/** base ('' or '/users', no trailing slash) + rest ('' or '/123') → '/users/123'; never empty. */
export function joinPath(base: string, rest: string): string {
  if (rest === '' || rest === '/') return base === '' ? '/' : rest === '/' ? `${base}/` : base;
  if (base === '') return rest.charCodeAt(0) === 47 ? rest : `/${rest}`;
  return rest.charCodeAt(0) === 47 ? base + rest : `${base}/${rest}`;
}

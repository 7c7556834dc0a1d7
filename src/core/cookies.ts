/**
 * Cookie header parsing (RFC 6265 §5.4 request side: `name=value` pairs separated by `;`). Node joins several
 * Cookie header lines with "; ", so one string holds them all. Values are unquoted and percent-decoded (left
 * as sent when they do not decode).
 */

/** name → value; the first occurrence of a name wins (as browsers order the more specific cookie first). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in out) continue;
    out[name] = cookieValue(part, eq);
  }
  return out;
}

/** Every value sent for cookie `name`, in order (a credential sent twice must be noticed, not first-wins). */
export function cookieValues(header: string | undefined, name: string): string[] {
  const out: string[] = [];
  if (!header || !header.includes(name)) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    out.push(cookieValue(part, eq));
  }
  return out;
}

function cookieValue(part: string, eq: number): string {
  let value = part.slice(eq + 1).trim();
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

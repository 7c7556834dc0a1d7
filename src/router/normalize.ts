/**
 * Request-path normalization. The string returned here is the ONE path that routing, every plugin
 * and the upstream see, so any disagreement between "what we matched" and "what the backend
 * resolves" is a path-confusion bug (ACL bypass via `..;/`, `%2e%2e`, `%2f`, double encoding, ...).
 * We therefore refuse anything ambiguous rather than guess, and canonicalize everything else:
 *
 * Refused (400 upstream of here):
 * - not starting with `/`; a raw `#`, `\`, control char (< 0x20, 0x7f);
 * - invalid percent-encoding (`%zz`, truncated `%a`);
 * - encoded `/` (`%2F`), `\` (`%5C`), and encoded control chars `%00`-`%1F`, `%7F`: backends that
 *   decode the path before splitting or logging (or copy it into a header) would see a different
 *   path or a CRLF. The brief required `%00`; the other control chars are the same class;
 * - a dot-segment carrying parameters (`.;x`, `..;`, `..%3Bx`, also after decoding `%2e%2e;x`):
 *   Tomcat/Spring strip `;params` and then resolve the `..`, which we would not have done;
 * - double encoding of the dangerous characters: `%25` followed (after our own decoding of
 *   unreserved characters) by `2E`, `2F`, `5C`, `00`, or `25` (deeper nesting: `%25252e`), so
 *   `%252e` and the sneakier `%25%32%65` both fail. Other `%25xx` sequences are literal percent
 *   signs and are kept.
 *
 * Canonicalized: unreserved characters (ALPHA DIGIT - . _ ~) are decoded, other escapes keep their
 * encoding with upper-case hex, `//` runs collapse to one `/`, dot-segments are resolved per RFC
 * 3986 §5.2.4 (`..` above the root stays at the root), and a trailing `/.` or `/..` leaves a
 * trailing slash. Raw bytes >= 0x80 are passed through untouched (the HTTP parser decides whether
 * to accept them).
 */
export type NormalizeResult = { ok: true; path: string } | { ok: false; reason: string };

const SLASH = 0x2f;
const DOT = 0x2e;
const PERCENT = 0x25;
const BACKSLASH = 0x5c;
const HASH = 0x23;
const SEMI = 0x3b;
const DEL = 0x7f;

// hex digit value per char code, -1 when not a hex digit
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let c = 0; c < 10; c++) HEX_VALUE[0x30 + c] = c;
for (let c = 0; c < 6; c++) {
  HEX_VALUE[0x41 + c] = 10 + c;
  HEX_VALUE[0x61 + c] = 10 + c;
}
const HEX_UPPER = '0123456789ABCDEF';

function hexValue(code: number): number {
  return code < 128 ? (HEX_VALUE[code] ?? -1) : -1;
}

function isUnreserved(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x2d || // -
    c === DOT ||
    c === 0x5f || // _
    c === 0x7e // ~
  );
}

// `%25` + (decoded) `2e` `2f` `5c` `00`: a second decode by a backend would produce `.` `/` `\`
// NUL; `%2525` would need a third decode for the same effect, refused too rather than counted.
const DOUBLE_ENCODED = /%25(?:2[ef5]|5c|00)/i;

function refuse(reason: string): NormalizeResult {
  return { ok: false, reason };
}

/** Normalize a request path (without the query string). See the file comment for the rules. */
export function normalizePath(rawPath: string): NormalizeResult {
  const len = rawPath.length;
  if (len === 0 || rawPath.charCodeAt(0) !== SLASH) return refuse('path must start with "/"');
  // Fast path: most real paths have nothing to decode, resolve or refuse; one scan, no allocation.
  // A dot only matters at the start of a segment that is `.` or `..` (possibly with `;`), so
  // `/v1/file.json` and `/.well-known/x` stay on the fast path.
  let prev = SLASH;
  for (let i = 1; i < len; i++) {
    const c = rawPath.charCodeAt(i);
    if (
      c === PERCENT ||
      (c === DOT && prev === SLASH && startsDotSegment(rawPath, i)) ||
      c === BACKSLASH ||
      c === HASH ||
      c < 0x20 ||
      c === DEL ||
      (c === SLASH && prev === SLASH)
    ) {
      return slowPath(rawPath);
    }
    prev = c;
  }
  return { ok: true, path: rawPath };
}

// `raw[i]` is a dot right after a slash: is this segment `.`/`..` (or `.;`/`..;`, refused later)?
function startsDotSegment(raw: string, i: number): boolean {
  let j = i + 1;
  if (j < raw.length && raw.charCodeAt(j) === DOT) j++;
  if (j === raw.length) return true;
  const c = raw.charCodeAt(j);
  return c === SLASH || c === SEMI;
}

// One pass over the string: each segment is built by copying clean runs (slice) and splicing in
// decoded/upper-cased escapes, then pushed onto a stack that implements remove_dot_segments.
function slowPath(raw: string): NormalizeResult {
  const len = raw.length;
  const out: string[] = [];
  let trailingSlash = false;
  let seg = '';
  let chunkStart = 1; // start of the not-yet-copied run inside the current segment
  let sawPercent25 = false;
  for (let i = 1; i <= len; i++) {
    const c = i < len ? raw.charCodeAt(i) : SLASH; // a virtual final '/' closes the last segment
    if (c === SLASH) {
      seg += raw.slice(chunkStart, i);
      const failure = checkSegment(seg, sawPercent25);
      if (failure !== null) return refuse(failure);
      if (seg === '..') {
        out.pop();
      } else if (seg !== '.' && seg !== '') {
        out.push(seg);
      }
      // Only the final segment decides about the trailing slash: '' (path ended with '/'), '.' or
      // '..'.
      if (i === len) trailingSlash = seg === '' || seg === '.' || seg === '..';
      seg = '';
      sawPercent25 = false;
      chunkStart = i + 1;
      continue;
    }
    if (c === PERCENT) {
      const h1 = i + 1 < len ? hexValue(raw.charCodeAt(i + 1)) : -1;
      const h2 = i + 2 < len ? hexValue(raw.charCodeAt(i + 2)) : -1;
      if (h1 < 0 || h2 < 0) return refuse('invalid percent-encoding');
      const v = h1 * 16 + h2;
      if (v === SLASH || v === BACKSLASH) return refuse('encoded "/" or "\\" in path');
      if (v < 0x20 || v === DEL) return refuse('encoded control character in path');
      seg += raw.slice(chunkStart, i);
      if (isUnreserved(v)) {
        seg += String.fromCharCode(v);
      } else {
        if (v === PERCENT) sawPercent25 = true;
        seg += '%' + HEX_UPPER[h1] + HEX_UPPER[h2];
      }
      i += 2;
      chunkStart = i + 1;
      continue;
    }
    if (c === BACKSLASH) return refuse('backslash in path');
    if (c === HASH) return refuse('fragment ("#") in path');
    if (c < 0x20 || c === DEL) return refuse('control character in path');
  }
  if (out.length === 0) return { ok: true, path: '/' };
  const path = '/' + out.join('/');
  return { ok: true, path: trailingSlash ? path + '/' : path };
}

function checkSegment(seg: string, sawPercent25: boolean): string | null {
  if (seg.charCodeAt(0) === DOT) {
    // `.;x` / `..;x` (also `..%3Bx`): servlet containers strip the parameters and then resolve the
    // dots.
    const j = seg.charCodeAt(1) === DOT ? 2 : 1;
    if (seg.charCodeAt(j) === SEMI || seg.startsWith('%3B', j)) {
      return 'dot-segment with parameters ("..;") in path';
    }
  }
  if (sawPercent25 && DOUBLE_ENCODED.test(seg)) return 'double percent-encoding in path';
  return null;
}

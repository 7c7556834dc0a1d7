/** An http: URL whose host is not this machine (loopback by name or address, as the URL parser reads it). */
export function plainHttpToAnotherHost(uri: string): boolean {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false; // the schema already refuses it
  }
  if (u.protocol !== 'http:') return false;
  const host = u.hostname;
  return !(host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host));
}

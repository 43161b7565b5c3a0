/**
 * `Content-Disposition: attachment` with the real (possibly Chinese) file name as RFC 5987 `filename*`
 * and a sanitised ASCII `filename` for old clients.
 */
export function attachmentDisposition(name: string, asciiName: string): string {
  const fallback = asciiName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

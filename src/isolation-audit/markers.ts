// Taint markers: the values of tenant A that must never reach someone else, in the forms
// a leak takes in practice (a hash of the email as an avatar key, an id base64-encoded in a
// cursor, an upper-cased copy), not only verbatim.
import { createHash } from 'node:crypto';

export interface Marker {
  /** What it stands for, for the report: "A's email (sha256)". */
  label: string;
  value: string;
  /** The verbatim value it derives from; a response that echoes a value sent in the same
   * request is not a leak, so verbatim echoes are ignored, derived forms never. */
  source: string;
}

const hash = (algorithm: string, value: string) => createHash(algorithm).update(value).digest('hex');

/** The value itself, case variants, URL and base64 encodings. */
function encodings(label: string, value: string): Marker[] {
  const forms: Array<[string, string]> = [
    ['verbatim', value],
    ['upper case', value.toUpperCase()],
    ['lower case', value.toLowerCase()],
    ['URL-encoded', encodeURIComponent(value)],
    ['base64', Buffer.from(value).toString('base64')],
    ['base64url', Buffer.from(value).toString('base64url')],
  ];
  if (/^[0-9a-f-]{36}$/i.test(value)) forms.push(['without dashes', value.replace(/-/g, '')]);
  return forms.map(([form, v]) => ({ label: `${label} (${form})`, value: v, source: value }));
}

/** An email: the encodings plus md5/sha1/sha256 of it, as given and trimmed lower-case (Gravatar's form). */
export function emailMarkers(label: string, email: string): Marker[] {
  const hashes = ['md5', 'sha1', 'sha256'].flatMap((algorithm) =>
    [...new Set([email, email.trim().toLowerCase()])].flatMap((form) => {
      const digest = hash(algorithm, form);
      return [
        { label: `${label} (${algorithm})`, value: digest, source: email },
        { label: `${label} (${algorithm}, upper case)`, value: digest.toUpperCase(), source: email },
      ];
    }),
  );
  return [...encodings(label, email), ...hashes];
}

export function valueMarkers(label: string, value: string): Marker[] {
  return encodings(label, value);
}

/** Deduplicates by value, keeping the first label. */
export function uniqueMarkers(markers: Marker[]): Marker[] {
  const seen = new Set<string>();
  return markers.filter((m) => m.value.length >= 6 && !seen.has(m.value) && seen.add(m.value));
}

/**
 * The first marker found in `text`, or null. Verbatim values the request itself carried
 * (`sent`) are skipped: echoing one's own input back is not a leak.
 */
export function findMarker(text: string, markers: Marker[], sent = ''): Marker | null {
  const haystack = text;
  for (const marker of markers) {
    if (!haystack.includes(marker.value)) continue;
    if (marker.value === marker.source && sent.includes(marker.source)) continue;
    return marker;
  }
  return null;
}

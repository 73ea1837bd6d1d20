import { createHash } from 'node:crypto';
import { emailMarkers, findMarker, uniqueMarkers, valueMarkers } from './markers.js';

describe('taint markers', () => {
  const email = 'Tenant-A@Audit.example';
  const id = '8f14e45f-ceea-467f-a9b3-1c2d3e4f5a6b';
  const markers = uniqueMarkers([...emailMarkers("A's email", email), ...valueMarkers("A's id", id)]);

  it('finds the md5, sha1 and sha256 of the email, as given and lower-cased', () => {
    for (const algorithm of ['md5', 'sha1', 'sha256']) {
      const gravatar = createHash(algorithm).update(email.toLowerCase()).digest('hex');
      expect(findMarker(`{"avatar":"https://g.example/${gravatar}"}`, markers)?.label).toBe(`A's email (${algorithm})`);
    }
  });

  it('finds case variants and encodings of an id', () => {
    expect(findMarker(id.toUpperCase(), markers)?.label).toBe("A's id (upper case)");
    expect(findMarker(Buffer.from(id).toString('base64url'), markers)?.label).toMatch(/A's id \(base64/);
    expect(findMarker(id.replace(/-/g, ''), markers)?.label).toBe("A's id (without dashes)");
    expect(findMarker(encodeURIComponent(email), markers)?.label).toMatch(/A's email/);
  });

  it('ignores a verbatim echo of what the request sent, but not a derived form of it', () => {
    expect(findMarker(`{"detail":"no tag ${id}"}`, markers, JSON.stringify({ tagIds: [id] }))).toBeNull();
    const b64 = Buffer.from(id).toString('base64');
    expect(findMarker(b64, markers, id)?.label).toMatch(/base64/);
  });

  it('finds nothing in unrelated text', () => {
    expect(findMarker('{"items":[],"nextCursor":null}', markers)).toBeNull();
  });
});

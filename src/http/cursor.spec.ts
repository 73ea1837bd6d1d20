import { CursorCodec } from './cursor.js';
import { ValidationProblem } from './problems.js';

describe('CursorCodec', () => {
  const codec = new CursorCodec('a-secret-for-tests-only');
  const position = { at: new Date('2026-11-21T10:00:00.123Z'), id: '0b6c1c9e-1f57-4c67-9a55-b0a3a1b7c001' };

  it('round-trips a position', () => {
    expect(codec.decode('posts', codec.encode('posts', position))).toEqual(position);
  });

  it('refuses a tampered, foreign-list or garbage cursor with a 400 problem', () => {
    const cursor = codec.encode('posts', position);
    const [payload, mac] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify(['2030-01-01T00:00:00.000Z', position.id])).toString('base64url');
    for (const bad of [`${forged}.${mac}`, `${payload}.AAAA`, 'garbage', `${cursor}.x`]) {
      expect(() => codec.decode('posts', bad)).toThrow(ValidationProblem);
    }
    expect(() => codec.decode('tags', cursor)).toThrow(ValidationProblem);
  });
});

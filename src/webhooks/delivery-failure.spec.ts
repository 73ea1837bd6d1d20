import { DeliveryTimeout, describeFailure, statusFailure } from './delivery-failure.js';
import { RefusedAddressError } from './guarded-lookup.js';

const coded = (code: string) => Object.assign(new Error(`x ${code}`), { code });

describe('describeFailure', () => {
  it('names each kind of failure the contract lists', () => {
    expect(statusFailure(503)).toBe('HTTP 503');
    expect(describeFailure(new DeliveryTimeout(10))).toBe('timeout after 10s');
    expect(describeFailure(coded('ECONNREFUSED'))).toBe('connection refused');
    expect(describeFailure(coded('ENOTFOUND'))).toBe('DNS lookup failed (ENOTFOUND)');
    expect(describeFailure(coded('EAI_AGAIN'))).toBe('DNS lookup failed (EAI_AGAIN)');
    expect(describeFailure(new RefusedAddressError('10.0.0.5', 'is a private address'))).toBe(
      'refused address: 10.0.0.5 is a private address',
    );
  });

  it('reads the attempts inside an AggregateError (both families tried)', () => {
    const both = new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], 'failed');
    expect(describeFailure(both)).toBe('connection refused');
    expect(describeFailure(Object.assign(both, { code: 'ECONNREFUSED' }))).toBe('connection refused');
  });

  it('says something short and generic for anything else', () => {
    expect(describeFailure(coded('ECONNRESET'))).toBe('connection reset');
    expect(describeFailure(coded('EPROTO'))).toBe('connection failed (EPROTO)');
    expect(describeFailure(coded('CERT_HAS_EXPIRED'))).toBe('TLS failed (CERT_HAS_EXPIRED)');
    expect(describeFailure(new Error('something internal'))).toBe('connection failed');
    expect(describeFailure(undefined)).toBe('connection failed');
  });
});

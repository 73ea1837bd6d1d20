import { readiness } from './readiness.js';

describe('readiness', () => {
  it('is ok only when the database is up and every migration is applied', () => {
    expect(readiness({ reachable: true, migrations: 'read', pendingMigrations: [] })).toEqual({
      status: 'ok',
      checks: { database: 'up', migrations: 'applied' },
    });
    expect(readiness({ reachable: true, migrations: 'read', pendingMigrations: ['m1'] })).toEqual({
      status: 'unavailable',
      checks: { database: 'up', migrations: 'pending' },
      pendingMigrations: ['m1'],
    });
  });

  it('says nothing about migrations when the database is down or they could not be read', () => {
    expect(readiness({ reachable: false })).toEqual({ status: 'unavailable', checks: { database: 'down' } });
    expect(readiness({ reachable: true, migrations: 'unknown' }).checks).toEqual({
      database: 'up',
      migrations: 'unknown',
    });
  });

  it('is unavailable while shutting down, whatever the database says', () => {
    expect(readiness('shutting-down')).toEqual({ status: 'unavailable', checks: { shutdown: 'in-progress' } });
  });
});

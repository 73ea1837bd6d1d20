import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { APP_CONFIG } from '../config/config.module.js';
import type { ReadyConfig } from '../config/config.js';
import { PublicCache } from './public-cache.js';

/** The channel the public-content triggers notify (migration `public_cache_notify`). */
export const publicContentChannel = 'byline_public_content';
const firstRetryMs = 100;
const maxRetryMs = 5000;
/**
 * A connection that dies without a FIN or RST (a network partition) would not end, and the
 * cache would go on trusting it: a periodic query bounds how long that can go unnoticed.
 */
const heartbeatMs = 10_000;
const heartbeatTimeoutMs = 5_000;

/**
 * Holds one dedicated connection (not from the pool: a pooled connection is handed to other
 * work and LISTEN would not survive that) that listens for committed writes to public
 * content and invalidates the cache. When the connection is lost the cache is bypassed
 * until a new one listens again, retrying with back-off.
 */
@Injectable()
export class PublicCacheListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PublicCacheListener.name);
  private client: pg.Client | null = null;
  private stopped = false;
  private retryMs = firstRetryMs;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  /** Tests only: awaited before each reconnection attempt. */
  testHooks: { beforeReconnect?: () => Promise<void> } = {};

  constructor(
    @Inject(APP_CONFIG) private readonly config: ReadyConfig,
    private readonly cache: PublicCache,
  ) {}

  /** The listening backend's pid, for tests that cut it off. */
  get backendPid(): number | null {
    return (this.client as unknown as { processID?: number } | null)?.processID ?? null;
  }

  async onApplicationBootstrap(): Promise<void> {
    // One attempt before serving; the cache stays bypassed until one succeeds.
    if (this.cache.enabled) await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.config.databaseUrl,
      application_name: 'byline-public-cache',
      connectionTimeoutMillis: 5000,
      query_timeout: heartbeatTimeoutMs,
      keepAlive: true,
    });
    client.on('error', (error) => this.logger.warn(`public cache listener: ${error.message}`));
    client.on('notification', () => this.cache.invalidate());
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${publicContentChannel}`);
    } catch (error) {
      this.logger.warn(`public cache listener could not listen: ${(error as Error).message}`);
      await client.end().catch(() => {});
      this.retry();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.retryMs = firstRetryMs;
    this.heartbeat = setInterval(() => {
      client.query('SELECT 1').catch(() => {
        // Given up on at once: ending a partitioned socket can itself take minutes.
        this.lost(client);
        void client.end().catch(() => {});
      });
    }, heartbeatMs);
    this.heartbeat.unref();
    // Listening from here on; anything cached before is flushed.
    this.cache.setListening(true);
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.cache.setListening(false);
    this.logger.warn('public cache listener lost its connection; the cache is bypassed');
    this.retry();
  }

  private retry(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(maxRetryMs, this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void (async () => {
        await this.testHooks.beforeReconnect?.();
        if (!this.stopped) await this.connect();
      })();
    }, delay);
    this.retryTimer.unref();
  }
}

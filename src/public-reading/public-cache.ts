import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { APP_CONFIG } from '../config/config.module.js';
import type { ReadyConfig } from '../config/config.js';

/** What a public route computes: the body and how long it stays true by the clock alone. */
export interface Computed {
  body: unknown;
  /** Milliseconds (database clock) until a scheduled post would change it; null: never. */
  changesInMs: number | null;
}

export interface Entry {
  body: string;
  etag: string;
  /** performance.now() instants: when the clock changes the response, and when it is dropped. */
  changesAt: number;
  expiresAt: number;
}

/** HTTP caches may keep a public response this long, never past its change instant. */
const httpMaxAgeMs = 60_000;
// Map and list bookkeeping per entry, besides the key and body.
const entryOverheadBytes = 200;

/**
 * Serialized public responses and their ETags, in process, bounded in bytes (LRU). An entry
 * is served only while all three hold: its TTL has not run out; the next scheduled post that
 * would change it has not gone live (`changesInMs`, measured by the database clock and
 * counted from before the query was sent, so the entry expires at or before that instant
 * whatever the skew between the clocks); and no write to public content has committed
 * since it was computed. Writes reach every instance as a NOTIFY (a trigger sends it; it is
 * delivered at commit) on the listener's own connection, which calls `invalidate`. A
 * response computed before an invalidation is never stored after it: the generation is
 * read before computing and checked before storing. While the listener is down nothing is
 * read or stored (`setListening`), since a missed notification would go unnoticed.
 */
@Injectable()
export class PublicCache {
  readonly enabled: boolean;
  private readonly ttlMs: number;
  private readonly entries: LRUCache<string, Entry> | null;
  private generation = 0;
  private listening = false;
  readonly stats = { hits: 0, misses: 0, bypasses: 0, stored: 0, discarded: 0, invalidations: 0 };
  /** Tests only: runs between computing a response and storing it. */
  testHooks: { beforeStore?: (key: string) => Promise<void> } = {};

  constructor(@Inject(APP_CONFIG) config: ReadyConfig) {
    const { enabled, maxBytes, ttlSeconds } = config.publicCache;
    this.enabled = enabled && maxBytes > 0;
    this.ttlMs = ttlSeconds * 1000;
    this.entries = this.enabled
      ? new LRUCache<string, Entry>({
          maxSize: maxBytes,
          sizeCalculation: (entry, key) => key.length + Buffer.byteLength(entry.body) + entryOverheadBytes,
        })
      : null;
  }

  /** Serves `key` from the cache or computes it; sets ETag and Cache-Control; returns the body. */
  async serve(key: string, res: Response, compute: () => Promise<Computed>): Promise<string> {
    const active = this.active;
    let entry = active ? this.lookup(key) : undefined;
    if (!entry) {
      if (active) this.stats.misses++;
      else this.stats.bypasses++;
      const generation = this.generation;
      const started = performance.now();
      const computed = await compute();
      const body = JSON.stringify(computed.body);
      const changesAt = computed.changesInMs === null ? Infinity : started + computed.changesInMs;
      entry = { body, etag: etagOf(body), changesAt, expiresAt: Math.min(changesAt, started + this.ttlMs) };
      if (active) {
        await this.testHooks.beforeStore?.(key);
        this.store(key, entry, generation);
      }
    }
    this.setHeaders(res, entry);
    return entry.body;
  }

  /**
   * The front door (public-cache-front-door.ts): a fresh entry under `key`, counted as a hit,
   * or undefined (the request then takes the full route, which counts the miss or bypass).
   * With `count: false`, only a look (the front door's first, before it spends the budget).
   */
  lookup(key: string, { count = true } = {}): Entry | undefined {
    if (!this.active) return undefined;
    const entry = this.entries!.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= performance.now()) {
      this.entries!.delete(key);
      return undefined;
    }
    if (count) this.stats.hits++;
    return entry;
  }

  setHeaders(res: ServerResponse, entry: Entry): void {
    const maxAgeMs = Math.max(0, Math.min(httpMaxAgeMs, entry.changesAt - performance.now()));
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('ETag', entry.etag);
    res.setHeader('Cache-Control', `public, max-age=${Math.floor(maxAgeMs / 1000)}`);
  }

  private get active(): boolean {
    return this.entries !== null && this.listening;
  }

  /** A committed write changed public content: drop everything computed before it. */
  invalidate(): void {
    this.generation++;
    this.stats.invalidations++;
    this.entries?.clear();
  }

  /**
   * The listener's state. Going down or coming back both flush: notifications sent while
   * it was down are lost, so nothing computed before it is back may be served.
   */
  setListening(listening: boolean): void {
    this.listening = listening;
    this.invalidate();
  }

  get isListening(): boolean {
    return this.listening;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries?.size ?? 0, bytes: this.entries?.calculatedSize ?? 0 };
  }

  private store(key: string, entry: Entry, generation: number): void {
    // An invalidation (or the listener dropping) while computing: the body may predate it.
    if (generation !== this.generation || !this.listening || entry.expiresAt <= performance.now()) {
      this.stats.discarded++;
      return;
    }
    this.entries!.set(key, entry);
    this.stats.stored++;
  }
}

/** A weak ETag of the serialized body, as Express would make it. */
function etagOf(body: string): string {
  const hash = createHash('sha1').update(body).digest('base64').slice(0, 27);
  return `W/"${Buffer.byteLength(body).toString(16)}-${hash}"`;
}

import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { ReadyConfig } from '../config/config.js';
import { DatabaseService, type Transaction } from '../database/database.service.js';
import type { Job } from '../jobs/job.js';

/**
 * Writes one `post.published` event per (post, publishAt) once publishAt has passed, posts
 * that went live while Byline was down included (catch-up, oldest first), then fans new
 * events out into one delivery per subscribed endpoint. The unique key on
 * (type, post, publishAt) means no race can write an event twice.
 */
@Injectable()
export class PublicationEventsJob implements Job {
  readonly name = 'publication-events';
  readonly exclusive = true;
  readonly intervalSeconds: number;
  private readonly retentionDays: number;

  constructor(
    private readonly database: DatabaseService,
    @Inject(APP_CONFIG) config: ReadyConfig,
  ) {
    this.intervalSeconds = config.jobs.publicationEventsSeconds;
    this.retentionDays = config.jobs.retentionDays;
  }

  /** As the jobs' role (byline_worker): every author's rows, only the tables it needs. */
  private asWorker<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.database.worker('jobs: publication events of every author, written as their owner', work);
  }

  async run(): Promise<void> {
    await this.recordPublications();
    await this.fanOut();
  }

  /** Only posts that went live within the retention period: older events may be pruned. */
  recordPublications(): Promise<number> {
    return this.asWorker((tx) => tx.$executeRaw`
      INSERT INTO outbox_events (user_id, type, post_id, publish_at, data)
      SELECT p.user_id, 'post.published', p.id, p.publish_at,
             jsonb_build_object('post', jsonb_build_object(
               'id', p.id, 'title', p.title, 'slug', p.slug,
               'editorialDate', to_char(p.editorial_date, 'YYYY-MM-DD'), 'publishedAt', p.publish_at))
      FROM posts p
      WHERE p.publish_at <= now()
        AND p.publish_at > now() - make_interval(days => ${this.retentionDays})
        AND NOT EXISTS (SELECT 1 FROM outbox_events e
                        WHERE e.type = 'post.published' AND e.post_id = p.id AND e.publish_at = p.publish_at)
      ORDER BY p.publish_at, p.id
      ON CONFLICT (type, post_id, publish_at) DO NOTHING`);
  }

  fanOut(): Promise<number> {
    return this.asWorker(async (tx) => {
      const events = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM outbox_events WHERE fanned_out_at IS NULL
        ORDER BY created_at, publish_at LIMIT 1000 FOR UPDATE SKIP LOCKED`;
      if (!events.length) return 0;
      const ids = events.map((event) => event.id);
      await tx.$executeRaw`
        INSERT INTO webhook_deliveries (user_id, endpoint_id, event_id)
        SELECT e.user_id, w.id, e.id
        FROM outbox_events e
        JOIN webhook_endpoints w ON w.user_id = e.user_id AND w.disabled_at IS NULL AND e.type = ANY(w.events)
        WHERE e.id = ANY(${ids}::uuid[])
        ORDER BY e.publish_at
        ON CONFLICT (endpoint_id, event_id) DO NOTHING`;
      await tx.$executeRaw`UPDATE outbox_events SET fanned_out_at = now() WHERE id = ANY(${ids}::uuid[])`;
      return ids.length;
    });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { ReadyConfig } from '../config/config.js';
import type { Job } from '../jobs/job.js';
import { JobsRepository } from '../jobs/jobs.repository.js';

const batch = 1000;

/**
 * The clock path of publication events: posts whose publishAt passed since their last
 * transition go on the air, oldest first, and their trigger writes `post.published` (and
 * fans it out) in the same transaction. Posts that went live while Byline was down are
 * caught up on the first tick. Every other transition (publish, unpublish, reschedule,
 * delete, an author disabled or enabled) is evented by the write itself, at commit.
 */
@Injectable()
export class PublicationEventsJob implements Job {
  readonly name = 'publication-events';
  readonly exclusive = true;
  readonly intervalSeconds: number;

  constructor(
    private readonly jobs: JobsRepository,
    @Inject(APP_CONFIG) config: ReadyConfig,
  ) {
    this.intervalSeconds = config.jobs.publicationEventsSeconds;
  }

  async run(): Promise<void> {
    while ((await this.jobs.publishDuePosts(batch)) === batch);
  }
}

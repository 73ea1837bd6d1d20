import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { ReadyConfig } from '../config/config.js';
import type { Job } from '../jobs/job.js';
import { type ClaimedDelivery, JobsRepository } from '../jobs/jobs.repository.js';
import { type RetryPolicy, retryDelaySeconds } from './retry-policy.js';
import { signatureHeader } from './signature.js';
import { postWebhook, type SendOutcome } from './webhook-sender.js';

/**
 * Sends due deliveries with a bounded number of workers per instance
 * (WEBHOOK_CONCURRENCY). Each tick claims as many as there are free workers, fairly across
 * authors and one per endpoint (see JobsRepository.claimDeliveries), and starts them without
 * waiting for them: a slow endpoint holds one worker and one lease, never the tick or
 * another author's delivery.
 */
@Injectable()
export class WebhookDeliveryJob implements Job, OnModuleDestroy {
  readonly name = 'webhook-delivery';
  readonly exclusive = false;
  readonly intervalSeconds: number;
  private readonly logger = new Logger(WebhookDeliveryJob.name);
  private readonly policy: RetryPolicy;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly jobs: JobsRepository,
    @Inject(APP_CONFIG) private readonly config: ReadyConfig,
  ) {
    this.intervalSeconds = config.jobs.webhookDeliverySeconds;
    const { retryBaseSeconds, retryMaxSeconds, maxAttempts, jitter } = config.webhooks;
    this.policy = { baseSeconds: retryBaseSeconds, maxSeconds: retryMaxSeconds, maxAttempts, jitter };
  }

  async run(): Promise<void> {
    const slots = this.config.webhooks.concurrency - this.inFlight.size;
    if (slots <= 0 || this.stopping.signal.aborted) return;
    const claimed = await this.jobs.claimDeliveries({
      slots,
      perAuthor: this.config.webhooks.maxInFlightPerAuthor,
      leaseSeconds: this.config.webhooks.timeoutSeconds + 30,
    });
    for (const delivery of claimed) {
      const work = this.attempt(delivery).finally(() => this.inFlight.delete(delivery.id));
      this.inFlight.set(delivery.id, work);
    }
  }

  /** Attempts under way in this instance. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Waits for the attempts under way (for tests and shutdown). */
  async settle(): Promise<void> {
    await Promise.all(this.inFlight.values());
  }

  /** Attempts in flight are abandoned and made due again, so a restart resends them at once. */
  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    await this.settle();
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    try {
      const outcome = await this.send(delivery);
      if (this.stopping.signal.aborted && outcome.status === null) return await this.jobs.abandoned(delivery);
      await this.record(delivery, outcome);
    } catch (error) {
      // The lease makes the delivery due again once it lapses: at least once, never zero times.
      this.logger.error(`delivery ${delivery.id} could not be recorded: ${(error as Error).message}`);
    }
  }

  private send(delivery: ClaimedDelivery): Promise<SendOutcome> {
    const body = JSON.stringify({
      id: delivery.eventId,
      type: delivery.type,
      createdAt: delivery.createdAt.toISOString(),
      data: delivery.data,
    });
    return postWebhook(
      delivery.url,
      body,
      {
        'user-agent': 'Byline-Webhooks/1',
        'byline-event-id': delivery.eventId,
        'byline-signature': signatureHeader(delivery.secret, body, Math.floor(Date.now() / 1000)),
      },
      {
        timeoutMs: this.config.webhooks.timeoutSeconds * 1000,
        allowLoopback: this.config.webhooks.allowLoopback,
        signal: this.stopping.signal,
      },
    );
  }

  /** 2xx delivered; 410 disables the endpoint; anything else retries until the last attempt. */
  private async record(delivery: ClaimedDelivery, outcome: SendOutcome): Promise<void> {
    const { status } = outcome;
    if (status !== null && status >= 200 && status < 300) return this.jobs.delivered(delivery, status);
    const gone = status === 410;
    const dead = gone || delivery.attempts >= this.policy.maxAttempts;
    await this.jobs.failed(delivery, {
      status,
      error: outcome.error ?? `HTTP ${status}`,
      retryInSeconds: dead ? null : retryDelaySeconds(this.policy, delivery.attempts),
      disableEndpoint: gone,
    });
    if (gone) this.logger.warn(`webhook endpoint ${delivery.endpointId} answered 410 and is disabled`);
  }
}

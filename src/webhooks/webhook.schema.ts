import { eventTypes } from '../events/event-types.js';
import { component, dateTime, nullableDateTime, object, page, text, uuid } from '../http/openapi/schemas.js';

const webhookFields = {
  id: uuid(),
  url: text('https://hooks.example.com/byline', { format: 'uri' }),
  events: { type: 'array' as const, items: { type: 'string' as const, enum: [...eventTypes] }, example: ['post.published'] },
  description: text('Rebuild the static site'),
  disabled: { type: 'boolean' as const, description: 'Set when Byline gave up on the endpoint.' },
  createdAt: dateTime(),
};

export const Webhook = component('Webhook', object(webhookFields));
export const WebhookPage = page(Webhook);

export const NewWebhook = component(
  'NewWebhook',
  object({
    ...webhookFields,
    secret: text('whsec_4nF0q…', { description: 'Signs deliveries; shown in this response only.' }),
  }),
);

export const Delivery = component(
  'Delivery',
  object({
    id: uuid(),
    eventId: uuid(),
    type: { type: 'string', enum: [...eventTypes], example: 'post.published' },
    state: { type: 'string', enum: ['pending', 'delivered', 'retrying', 'dead'], example: 'delivered' },
    attempts: { type: 'integer', minimum: 0, example: 1 },
    lastStatus: { type: 'integer', nullable: true, example: 200, description: 'The HTTP status of the last attempt.' },
    lastError: text('timeout after 10 s', {
      nullable: true,
      description: 'Why the last attempt failed (status, timeout, connection refused, DNS, refused address).',
    }),
    nextAttemptAt: nullableDateTime(),
    createdAt: dateTime(),
  }),
);
export const DeliveryPage = page(Delivery);

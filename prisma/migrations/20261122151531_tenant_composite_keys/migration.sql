-- DropForeignKey
ALTER TABLE "post_tags" DROP CONSTRAINT "post_tags_post_id_fkey";

-- DropForeignKey
ALTER TABLE "post_tags" DROP CONSTRAINT "post_tags_tag_id_fkey";

-- DropForeignKey
ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "webhook_deliveries_endpoint_id_fkey";

-- DropForeignKey
ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "webhook_deliveries_event_id_fkey";

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_user_id_id_key" ON "outbox_events"("user_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "posts_user_id_id_key" ON "posts"("user_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "tags_user_id_id_key" ON "tags"("user_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_endpoints_user_id_id_key" ON "webhook_endpoints"("user_id", "id");

-- AddForeignKey
ALTER TABLE "post_tags" ADD CONSTRAINT "post_tags_user_id_post_id_fkey" FOREIGN KEY ("user_id", "post_id") REFERENCES "posts"("user_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "post_tags" ADD CONSTRAINT "post_tags_user_id_tag_id_fkey" FOREIGN KEY ("user_id", "tag_id") REFERENCES "tags"("user_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_user_id_endpoint_id_fkey" FOREIGN KEY ("user_id", "endpoint_id") REFERENCES "webhook_endpoints"("user_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_user_id_event_id_fkey" FOREIGN KEY ("user_id", "event_id") REFERENCES "outbox_events"("user_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "posts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "editorial_date" DATE NOT NULL DEFAULT CURRENT_DATE,
    "publish_at" TIMESTAMPTZ(3),
    "first_published_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "posts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tags" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tags_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "post_tags" (
    "user_id" UUID NOT NULL,
    "post_id" UUID NOT NULL,
    "tag_id" UUID NOT NULL,

    CONSTRAINT "post_tags_pkey" PRIMARY KEY ("post_id","tag_id")
);

-- CreateIndex
CREATE INDEX "posts_user_id_created_at_id_idx" ON "posts"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "posts_user_id_publish_at_id_idx" ON "posts"("user_id", "publish_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "posts_publish_at_id_idx" ON "posts"("publish_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "posts_user_id_slug_key" ON "posts"("user_id", "slug");

-- CreateIndex
CREATE INDEX "tags_user_id_created_at_id_idx" ON "tags"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "tags_user_id_name_key" ON "tags"("user_id", "name");

-- CreateIndex
CREATE INDEX "post_tags_tag_id_idx" ON "post_tags"("tag_id");

-- AddForeignKey
ALTER TABLE "posts" ADD CONSTRAINT "posts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tags" ADD CONSTRAINT "tags_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "post_tags" ADD CONSTRAINT "post_tags_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "post_tags" ADD CONSTRAINT "post_tags_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "post_tags" ADD CONSTRAINT "post_tags_tag_id_fkey" FOREIGN KEY ("tag_id") REFERENCES "tags"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Not expressible in schema.prisma: when publish_at changes after the post went live,
-- remember the first instant it went live (analytics), with no job involved.
CREATE FUNCTION posts_first_published_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.first_published_at IS NULL
     AND OLD.publish_at IS NOT NULL
     AND OLD.publish_at <= now()
     AND NEW.publish_at IS DISTINCT FROM OLD.publish_at THEN
    NEW.first_published_at := OLD.publish_at;
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER posts_first_published_at
  BEFORE UPDATE OF publish_at ON posts
  FOR EACH ROW EXECUTE FUNCTION posts_first_published_at();

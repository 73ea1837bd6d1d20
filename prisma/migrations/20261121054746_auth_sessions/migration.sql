-- CreateTable
CREATE TABLE "session" (
    "sid" VARCHAR NOT NULL,
    "sess" JSON NOT NULL,
    "expire" TIMESTAMP(6) NOT NULL,
    "user_id" UUID,

    CONSTRAINT "session_pkey" PRIMARY KEY ("sid")
);

-- CreateTable
CREATE TABLE "login_throttles" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "locked_until" TIMESTAMPTZ(3),
    "last_failure_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "login_throttles_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "IDX_session_expire" ON "session"("expire");

-- CreateIndex
CREATE INDEX "session_user_id_idx" ON "session"("user_id");

-- AddForeignKey
ALTER TABLE "session" ADD CONSTRAINT "session_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Not expressible in schema.prisma: keep user_id in step with the session's passport user.
CREATE FUNCTION session_user_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.user_id := (NEW.sess -> 'passport' ->> 'user')::uuid;
  RETURN NEW;
END;
$$;

CREATE TRIGGER session_user_id
  BEFORE INSERT OR UPDATE OF sess ON "session"
  FOR EACH ROW EXECUTE FUNCTION session_user_id();

import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Type } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import type { ReadyConfig } from './config/config.js';
import { configureApp } from './http/configure-app.js';
import { PinoNestLogger } from './http/pino-nest-logger.js';

/** Builds the configured application; main.ts and the tests both start here. */
export async function createApp(config: ReadyConfig, logger: Logger, extra: Type[] = []) {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, extra), {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
  });
  configureApp(app, config, logger);
  return app;
}

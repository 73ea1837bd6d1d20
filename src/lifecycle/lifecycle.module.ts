import { Global, Module } from '@nestjs/common';
import { ConnectionDraining } from './connection-draining.js';
import { ShutdownState } from './shutdown-state.js';

@Global()
@Module({ providers: [ShutdownState, ConnectionDraining], exports: [ShutdownState, ConnectionDraining] })
export class LifecycleModule {}

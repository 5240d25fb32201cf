import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyStore } from './api-key.store';
import { ApiKeyGuard, SERVICE_NAME } from './auth.guard';

@Global()
@Module({})
export class AuthModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(ApiKeyStore) private readonly store: ApiKeyStore) {}

  static forService(service: string, authDatabaseUrl: string): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: ApiKeyStore, useFactory: () => new ApiKeyStore(authDatabaseUrl) },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
      exports: [ApiKeyStore, SERVICE_NAME],
    };
  }

  async onModuleInit(): Promise<void> {
    await this.store.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

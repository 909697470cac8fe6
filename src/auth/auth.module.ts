import { createSecretKey } from 'node:crypto';

import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AuditModule } from '../audit/audit.module';
import { AUTHENTICATOR } from '../common/access/authenticator';
import type { AllConfig } from '../config';
import { UsersModule } from '../users/users.module';
import { ApiKey } from './api-key.entity';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { AuthMetrics } from './auth.metrics';
import { AuthService } from './auth.service';
import { CredentialsAuthenticator } from './credentials.authenticator';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SessionService } from './session.service';
import { SessionCookies } from './session-cookies';
import { TokenService } from './token.service';

/**
 * Authentication: sign-up, sign-in, refresh, logout, API keys, and the Authenticator that the
 * global authentication guard (registered by AppModule with the CSRF and permission guards) calls
 * on every request.
 */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [ConfigService],
      // A key object made once: given the secret as a string, jsonwebtoken first tries it as a
      // public (verify) or private (sign) key on every call, and the exception that attempt
      // throws was most of a token check's cost. Algorithm, issuer and audience are pinned per
      // call in TokenService.
      useFactory: (config: ConfigService<AllConfig, true>) => ({
        secret: createSecretKey(Buffer.from(config.getOrThrow('auth', { infer: true }).jwtSecret, 'utf8')),
      }),
    }),
    TypeOrmModule.forFeature([RefreshToken, ApiKey]),
    UsersModule,
    AuditModule,
  ],
  controllers: [AuthController, ApiKeysController],
  providers: [
    AuthService,
    AuthMetrics,
    TokenService,
    SessionService,
    SessionCookies,
    RefreshTokensRepository,
    ApiKeysRepository,
    ApiKeysService,
    { provide: AUTHENTICATOR, useClass: CredentialsAuthenticator },
  ],
  exports: [AUTHENTICATOR],
})
export class AuthModule {}

import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AuditModule } from '../audit/audit.module';
import { AUTHENTICATOR } from '../common/access/authenticator';
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
  imports: [JwtModule.register({}), TypeOrmModule.forFeature([RefreshToken, ApiKey]), UsersModule, AuditModule],
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

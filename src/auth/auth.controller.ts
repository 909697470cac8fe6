import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';

import type { AuthenticatedRequest, Principal } from '../common/access/principal';
import { OptionalUser, Public } from '../common/decorators';
import { AuthenticationException, ErrorCode } from '../common/errors';
import { ApiEnvelope, ApiErrors } from '../common/http';
import { AuthRateLimit, CredentialAttempts } from '../platform/rate-limit';
import { AuthService } from './auth.service';
import { loginAccountOf } from './credential-rate-limits';
import { CookieSessionResponseDto } from './dto/cookie-session-response.dto';
import { CsrfTokenResponseDto } from './dto/csrf-token-response.dto';
import { LoginDto } from './dto/login.dto';
import { LoginQueryDto } from './dto/login-query.dto';
import { RefreshTokenDto } from './dto/refresh-token.dto';
import { RegisterDto } from './dto/register.dto';
import { RegistrationAcceptedDto } from './dto/registration-accepted.dto';
import { TokenResponseDto } from './dto/token-response.dto';
import type { TokenPair } from './session.service';
import { SessionCookies } from './session-cookies';

@ApiTags('auth')
@ApiExtraModels(CookieSessionResponseDto)
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookies: SessionCookies,
    private readonly attempts: CredentialAttempts,
  ) {}

  @Public()
  @AuthRateLimit()
  @Post('register')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Create a customer account',
    description:
      'The same 202 whether or not the email or username is taken (nothing about who is registered is ' +
      'revealed); the owner of the address is told by mail. Sign in to use a new account.',
  })
  @ApiEnvelope(RegistrationAcceptedDto, { status: HttpStatus.ACCEPTED })
  @ApiErrors(ErrorCode.ValidationError, ErrorCode.RateLimitExceeded)
  async register(@Body() body: RegisterDto): Promise<RegistrationAcceptedDto> {
    await this.auth.register(body);
    return { status: 'accepted', email: body.email };
  }

  @Public()
  @AuthRateLimit()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Exchange email and password for an access and a refresh token',
    description:
      'With `?mode=cookie` the tokens are set as httpOnly cookies and the body is a CookieSessionResponseDto.',
  })
  @ApiEnvelope([TokenResponseDto, CookieSessionResponseDto])
  @ApiErrors(ErrorCode.ValidationError, ErrorCode.AuthenticationError, ErrorCode.RateLimitExceeded)
  async login(
    @Body() body: LoginDto,
    @Query() query: LoginQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenResponseDto | CookieSessionResponseDto> {
    // Counted as a failure until the password is right (docs/decisions/0028).
    const attempt = await this.attempts.begin(loginAccountOf(body.email), request);
    const pair = await this.auth.login(body, query.mode);
    await attempt.succeeded();
    return query.mode === 'cookie' ? this.cookies.start(response, pair) : toTokenResponse(pair);
  }

  @Public()
  @AuthRateLimit()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair (each refresh token works once)',
    description:
      'Presenting a refresh token that was already exchanged revokes its whole session (401). ' +
      'Cookie-mode clients send no body: the refresh cookie is used, and `X-CSRF-Token` is required.',
  })
  @ApiEnvelope([TokenResponseDto, CookieSessionResponseDto])
  @ApiErrors(
    ErrorCode.ValidationError,
    ErrorCode.AuthenticationError,
    ErrorCode.CsrfInvalid,
    ErrorCode.RateLimitExceeded,
  )
  async refresh(
    @Body() body: RefreshTokenDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenResponseDto | CookieSessionResponseDto> {
    if (body.refreshToken !== undefined) return toTokenResponse(await this.auth.refresh(body.refreshToken));
    const cookie = this.cookies.refreshTokenOf(request);
    const sessionId = this.auth.sessionOfRefreshToken(cookie);
    if (cookie === undefined || sessionId === undefined) throw new AuthenticationException('missing_credentials');
    const csrfToken = this.cookies.requireCsrf(request, sessionId);
    return this.cookies.renew(response, await this.auth.refresh(cookie), csrfToken);
  }

  // Public so a client whose access token has expired can still end its session with the refresh
  // token; the handler insists on one credential or the other.
  @Public()
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'End the session: the access token and the refresh tokens stop working at once',
    description:
      'Send the access token (Bearer or cookie), the refresh token (body or cookie), or both; no body is needed. A cookie-mode ' +
      'logout needs `X-CSRF-Token`.',
  })
  @ApiErrors(ErrorCode.AuthenticationError, ErrorCode.ValidationError, ErrorCode.CsrfInvalid)
  async logout(
    @OptionalUser() principal: Principal | undefined,
    @Body() body: RefreshTokenDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    const cookie = this.cookies.refreshTokenOf(request);
    const refreshToken = body.refreshToken ?? cookie;
    if (!principal && refreshToken === undefined) throw new AuthenticationException('missing_credentials');
    // A cookie is sent by the browser on its own: ending a session with one needs the session's CSRF token,
    // or any site could sign the user out.
    const cookieSession = principal
      ? principal.viaCookie
        ? principal.sessionId
        : undefined
      : body.refreshToken === undefined
        ? this.auth.sessionOfRefreshToken(cookie)
        : undefined;
    if (cookieSession !== undefined) this.cookies.requireCsrf(request, cookieSession);
    await this.auth.logout(principal, refreshToken);
    this.cookies.clear(response);
  }

  @Public()
  @Get('csrf')
  @ApiOperation({ summary: 'A CSRF token for cookie-mode web clients (also set as a cookie)' })
  @ApiEnvelope(CsrfTokenResponseDto)
  csrf(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) response: Response): CsrfTokenResponseDto {
    const sessionId =
      request.principal?.sessionId ?? this.auth.sessionOfRefreshToken(this.cookies.refreshTokenOf(request));
    return { csrfToken: this.cookies.issueCsrf(response, sessionId) };
  }
}

function toTokenResponse(pair: TokenPair): TokenResponseDto {
  return {
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    tokenType: 'Bearer',
    expiresIn: pair.expiresIn,
  };
}

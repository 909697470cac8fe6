import { applyDecorators } from '@nestjs/common';
import { IsPhoneNumber, MaxLength } from 'class-validator';

/** A phone number in international form (+ and country code), validated with libphonenumber. */
export function IsInternationalPhone(): PropertyDecorator {
  return applyDecorators(
    MaxLength(32),
    IsPhoneNumber(undefined, { message: 'must be a phone number in international format, e.g. +14155550123' }),
  );
}

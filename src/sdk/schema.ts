import { Type, type TUnion, type TString, type TNumber, type SchemaOptions } from '@sinclair/typebox';
import { DURATION_PATTERN } from '../core/duration.ts';
import { SIZE_PATTERN } from '../core/size.ts';

/** A duration field: `250ms`, `2s`, `1m`, `1h`, `1d`, or a number of milliseconds. */
export function Duration(options: SchemaOptions = {}): TUnion<[TString, TNumber]> {
  return Type.Union([Type.String({ pattern: DURATION_PATTERN }), Type.Number({ minimum: 0 })], {
    description: 'duration: 250ms, 2s, 1m, 1h, 1d, or milliseconds',
    ...options,
  });
}

/** A size field: `512kb`, `10mb`, `1gb`, or a number of bytes. */
export function Size(options: SchemaOptions = {}): TUnion<[TString, TNumber]> {
  return Type.Union([Type.String({ pattern: SIZE_PATTERN }), Type.Number({ minimum: 0 })], {
    description: 'size: 512kb, 10mb, 1gb, or bytes',
    ...options,
  });
}

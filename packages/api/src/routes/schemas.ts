import { Type, type Static } from 'typebox';

/** Shared response and parameter schemas; they feed validation, serialisation and the OpenAPI document. */
export const ErrorSchema = Type.Object(
  {
    success: Type.Literal(false),
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
  },
  { description: 'Every error answer: the HTTP status and a message that says what to fix.' },
);

export const CameraParam = Type.Object({
  camera: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Camera name from the config.' }),
});

export const EventIdParam = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,128}$', description: 'Event id.' }),
});

/** Epoch seconds as in Frigate's API (floats allowed). */
export const EpochSeconds = (description: string) => Type.Number({ minimum: 0, maximum: 1e11, description });

const Box = Type.Array(Type.Number(), {
  minItems: 4,
  maxItems: 4,
  description: '[x1, y1, x2, y2] in detect-frame pixels',
});

export const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: Type.Union([Type.Literal('admin'), Type.Literal('viewer')]),
  must_change_password: Type.Boolean(),
  created_at: Type.Number({ description: 'Epoch seconds.' }),
});

export const EventSchema = Type.Object({
  id: Type.String(),
  camera: Type.String(),
  label: Type.String(),
  sub_label: Type.Union([Type.String(), Type.Null()]),
  score: Type.Number(),
  top_score: Type.Number(),
  box: Box,
  zones: Type.Array(Type.String(), { description: 'Zones the object was in when last seen.' }),
  entered_zones: Type.Array(Type.String()),
  start_time: Type.Number({ description: 'Epoch seconds.' }),
  end_time: Type.Union([Type.Number(), Type.Null()], { description: 'Epoch seconds; null while tracked.' }),
  stationary: Type.Boolean(),
  has_snapshot: Type.Boolean(),
  has_clip: Type.Boolean(),
  snapshot_box: Type.Union([Box, Type.Null()], { description: "The object's box in the snapshot's frame." }),
  clip: Type.Union([
    Type.Object({
      start: Type.Number(),
      end: Type.Number(),
      duration: Type.Number({ description: 'Seconds.' }),
      partial: Type.Boolean({ description: 'Part of the event is missing from the clip.' }),
    }),
    Type.Null(),
  ]),
});
export type EventBody = Static<typeof EventSchema>;

export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  404: ErrorSchema,
};

/** A file or stream body (JPEG, MP4); documented as binary and sent as is. */
export const BinaryBody = Type.Unsafe<Buffer | NodeJS.ReadableStream>({ type: 'string', format: 'binary' });

import { Type, type TSchema } from 'typebox';

/** A request payload: exactly these properties, nothing more (an unknown property is a bad request). */
export const Strict = <T extends Record<string, TSchema>>(properties: T) => Type.Object(properties, { additionalProperties: false });

/** An id the client sends back (a participant's, a poll's, a producer's). */
export const Id = Type.String({ minLength: 1, maxLength: 100 });

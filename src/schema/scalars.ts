import { GraphQLScalarType } from 'graphql';
import { GraphQLDateTimeISO, GraphQLJSONObject as BaseJSONObject, GraphQLSafeInt as BaseSafeInt } from 'graphql-scalars';

/**
 * `DateTime` is the name Apollo Client, urql and codegen presets expect. graphql-scalars' own
 * `GraphQLDateTime` serializes to a Date object; the ISO variant serializes to the string clients
 * receive anyway, so we take its behaviour under the conventional name.
 */
export const DateTime = new GraphQLScalarType({
  ...GraphQLDateTimeISO.toConfig(),
  name: 'DateTime',
  description: 'An instant as an RFC 3339 string in UTC with milliseconds, e.g. `2026-11-20T08:15:30.123Z`. Inputs may carry any offset.',
  specifiedByURL: 'https://scalars.graphql.org/chillicream/date-time.html',
});

/** Counters that can pass 2^31 (rows received per hour over a year of traffic) but stay below 2^53. */
export const SafeInt = new GraphQLScalarType({
  ...BaseSafeInt.toConfig(),
  description: 'A whole number up to ±(2^53 − 1): counts that may pass the 2^31 limit of `Int`.',
});

export const JSONObject = new GraphQLScalarType({
  ...BaseJSONObject.toConfig(),
  description: 'A free-form JSON object (only for metadata the service does not interpret).',
});

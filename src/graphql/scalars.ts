/**
 * Custom scalars. DateTime is ISO-8601 with an explicit offset (Gong's format); a bad value is
 * BAD_USER_INPUT naming the value received.
 */
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { badInput } from '../errors.js';
import { GongDateTime } from '../gong/wire.js';

/**
 * Whether the calendar date and clock time exist: Date.parse rolls 2026-02-30 over to March 2,
 * which would send Gong a date the client never meant.
 */
function isRealDateTime(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth && h <= 23 && mi <= 59 && s <= 59;
}

function parseDateTime(value: unknown): string {
  if (
    typeof value === 'string' &&
    GongDateTime.safeParse(value).success &&
    isRealDateTime(value) &&
    !Number.isNaN(Date.parse(value))
  )
    return value;
  throw badInput(
    `DateTime must be an ISO-8601 date-time with an offset, like 2024-05-01T09:30:00Z or 2024-05-01T09:30:00-07:00, but got: ${JSON.stringify(value)}`,
  );
}

export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (value) => value,
  parseValue: parseDateTime,
  parseLiteral: (ast: ValueNode) =>
    parseDateTime(ast.kind === Kind.STRING ? ast.value : `(${ast.kind})`),
});

/** Any JSON value; output only (CRM field values), passed through as Gong sent it. */
export const GongJSON = new GraphQLScalarType({
  name: 'GongJSON',
  serialize: (value) => value,
  parseValue: (value) => value,
});

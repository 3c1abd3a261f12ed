/**
 * The production policy every transport applies (HTTP through Apollo's options, WebSocket through
 * these helpers): no introspection unless allowed, and no "Did you mean …" suggestions, which
 * would spell out the schema field by field to a client that may not introspect.
 */
import {
  NoSchemaIntrospectionCustomRule,
  type GraphQLFormattedError,
  type ValidationRule,
} from 'graphql';

export interface OperationPolicy {
  introspection: boolean;
  hideSuggestions: boolean;
}

/** Validation rules the policy adds to the spec rules and the query limits. */
export const policyRules = (p: OperationPolicy): ValidationRule[] =>
  p.introspection ? [] : [NoSchemaIntrospectionCustomRule];

/** graphql-js appends suggestions as a last sentence: ` Did you mean "x" or "y"?` */
const SUGGESTION = /\s*Did you mean [^]*\?$/;

/** The error as the policy lets a client see it. */
export function applyPolicy(e: GraphQLFormattedError, p: OperationPolicy): GraphQLFormattedError {
  return p.hideSuggestions && SUGGESTION.test(e.message)
    ? { ...e, message: e.message.replace(SUGGESTION, '') }
    : e;
}

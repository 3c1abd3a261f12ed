/**
 * The validation every operation passes, whatever its transport: the spec rules, GraphQL Armor's
 * query limits (depth, cost, aliases, directives) and the production policy (no introspection
 * unless allowed). Apollo over HTTP receives the same list (without the spec rules, which it adds
 * itself), so a limit or a policy is written here once. Internal to the operation pipeline.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  specifiedRules,
  type DocumentNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { policyRules, type OperationPolicy } from '../operation-policy.js';

export interface QueryLimits extends OperationPolicy {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
}

export interface Validation {
  /** specifiedRules plus ours: what a transport that validates itself runs. */
  all: readonly ValidationRule[];
  /** Ours only (Armor's and the policy's): what Apollo, which adds the spec rules itself, runs. */
  extra: ValidationRule[];
  /** Parse options every transport passes: graphql-js counts tokens (a 400 GRAPHQL_PARSE_FAILED). */
  parseOptions: { maxTokens: number };
  limits: { maxCost: number; maxAliases: number };
  /**
   * The cost and aliases Armor counted for a validated document (all its operations), so the
   * operations of one HTTP batch can be held to one request's limits together.
   */
  usage(document: DocumentNode): { cost: number; aliases: number };
}

export function createValidation(limits: QueryLimits): Validation {
  // Filled as documents are validated (Apollo keeps a validated document, so it stays here too).
  const counted = new WeakMap<DocumentNode, { cost: number; aliases: number }>();
  const entry = (ctx: ValidationContext) => {
    const doc = ctx.getDocument();
    let e = counted.get(doc);
    if (!e) counted.set(doc, (e = { cost: 0, aliases: 0 }));
    return e;
  };
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    costLimit: {
      maxCost: limits.maxCost,
      onAccept: [(ctx, { n }) => void (entry(ctx as ValidationContext).cost += n)],
    },
    maxAliases: {
      n: limits.maxAliases,
      onAccept: [(ctx, { n }) => void (entry(ctx as ValidationContext).aliases += n)],
    },
    // Armor's token plugin re-parses in Apollo's `parsingDidStart`, where a syntax error becomes a
    // 500; the parser's own `maxTokens` refuses the same documents with a 400 on every transport.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives },
    // Suggestions are hidden by the policy (operation-policy.ts) on every transport.
    blockFieldSuggestion: { enabled: false },
  });
  const extra = [...armor.protect().validationRules, ...policyRules(limits)];
  return {
    all: [...specifiedRules, ...extra],
    extra,
    parseOptions: { maxTokens: limits.maxTokens },
    limits: { maxCost: limits.maxCost, maxAliases: limits.maxAliases },
    usage: (document) => counted.get(document) ?? { cost: 0, aliases: 0 },
  };
}

/**
 * Selection-driven fetching: walk the whole operation once (fragments included) and collect every
 * `Type.field` it selects, so the gateway asks Gong only for the sections someone selected. The
 * result is memoized per operation in the request's context.
 */
import {
  getArgumentValues,
  getNamedType,
  isInterfaceType,
  isObjectType,
  isEnumType,
  Kind,
  OperationTypeNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * `Type.field` pairs selected anywhere in an operation, plus `Type.field(arg:VALUE)` for each value
 * of an enum (or enum list) argument, so fetch plans can follow arguments such as context timing.
 */
export type SelectedFields = ReadonlySet<string>;

/** Each value of the field's enum arguments, as `(arg:VALUE)`; defaults included. */
function enumArguments(
  def: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: Record<string, unknown>,
): string[] {
  if (!def.args.some((a) => isEnumType(getNamedType(a.type)))) return [];
  let values: Record<string, unknown>;
  try {
    values = getArgumentValues(def, node, variables);
  } catch {
    return []; // execution reports invalid arguments itself
  }
  const out: string[] = [];
  for (const a of def.args) {
    if (!isEnumType(getNamedType(a.type))) continue;
    const v = values[a.name];
    for (const item of Array.isArray(v) ? v : v === undefined || v === null ? [] : [v])
      out.push(`(${a.name}:${String(item)})`);
  }
  return out;
}

export function collectSelectedFields(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> = {},
): SelectedFields {
  const out = new Set<string>();
  const seenFragments = new Set<string>();
  const walk = (set: SelectionSetNode, type: GraphQLNamedType | undefined): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (!type || !(isObjectType(type) || isInterfaceType(type))) continue;
        const def = type.getFields()[sel.name.value];
        if (!def) continue;
        out.add(`${type.name}.${sel.name.value}`);
        for (const arg of enumArguments(def, sel, variables))
          out.add(`${type.name}.${sel.name.value}${arg}`);
        if (sel.selectionSet) walk(sel.selectionSet, getNamedType(def.type));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(
          sel.selectionSet,
          sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) ?? undefined) : type,
        );
      } else {
        const name = sel.name.value;
        const frag = fragments[name];
        if (!frag || seenFragments.has(name)) continue;
        seenFragments.add(name);
        walk(frag.selectionSet, schema.getType(frag.typeCondition.name.value) ?? undefined);
      }
    }
  };
  const root =
    operation.operation === OperationTypeNode.QUERY
      ? schema.getQueryType()
      : operation.operation === OperationTypeNode.MUTATION
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  walk(operation.selectionSet, root ?? undefined);
  return out;
}

/** Memoizes the walk per operation node (one request can carry one operation; a WS context several). */
export function createSelectionCache(): (info: GraphQLResolveInfo) => SelectedFields {
  const memo = new WeakMap<OperationDefinitionNode, SelectedFields>();
  return (info) => {
    let fields = memo.get(info.operation);
    if (!fields) {
      fields = collectSelectedFields(
        info.schema,
        info.operation,
        info.fragments,
        info.variableValues,
      );
      memo.set(info.operation, fields);
    }
    return fields;
  };
}

/**
 * A stitched company gateway (@graphql-tools/stitch) over the Gong gateway, with no glue in the
 * Gong gateway: a remote executor (HTTP for queries and mutations, graphql-ws for subscriptions),
 * `batch: true` so each generation of delegations is one HTTP request, and batched type merging
 * through the order-preserving `gongUsersByIds` / `gongCallsByIds` root fields, so N merged
 * users cost one `gongUsersByIds` call and so one Gong request.
 *
 * Example code, not part of the gateway.
 */
import { stitchSchemas, type IStitchSchemasOptions } from '@graphql-tools/stitch';
import {
  buildClientSchema,
  getIntrospectionQuery,
  GraphQLObjectType,
  GraphQLSchema,
  OperationTypeNode,
  print,
  type ExecutionResult,
  type IntrospectionQuery,
} from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

type SubschemaConfig = Exclude<
  NonNullable<IStitchSchemasOptions['subschemas']>[number],
  GraphQLSchema
>;
type Executor = NonNullable<SubschemaConfig['executor']>;

export interface GongEndpoint {
  /** The Gong gateway's GraphQL URL, e.g. `http://127.0.0.1:4000/graphql`; graphql-ws listens on the same path. */
  url: string;
  /** Client credentials for the Gong gateway (e.g. `{ 'x-api-key': '…' }`), sent on HTTP and as graphql-ws connectionParams. */
  headers?: Record<string, string>;
}

/** Gong ids per `gongUsersByIds` / `gongCallsByIds` call: the gateway accepts at most 100. */
const MAX_IDS = 100;

/** The executor of the Gong subschema, plus `dispose` for its WebSocket. */
export function gongExecutor(endpoint: GongEndpoint): {
  executor: Executor;
  dispose(): Promise<void>;
} {
  let ws: Client | undefined;
  const socket = () =>
    (ws ??= createClient({
      url: endpoint.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { ...endpoint.headers },
      lazy: true,
    }));

  const overHttp = async (
    query: string,
    variables: unknown,
    operationName: string | undefined,
  ): Promise<ExecutionResult> => {
    const res = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...endpoint.headers },
      body: JSON.stringify({ query, variables, operationName }),
    });
    return (await res.json()) as ExecutionResult;
  };

  const overWebSocket = (
    query: string,
    variables: Record<string, unknown> | undefined,
    operationName: string | undefined,
  ): AsyncIterable<ExecutionResult> => {
    const events = socket().iterate({
      query,
      ...(variables ? { variables } : {}),
      ...(operationName ? { operationName } : {}),
    });
    return events as AsyncIterable<ExecutionResult>;
  };

  const executor = ((request) => {
    const query = print(request.document);
    const variables = request.variables as Record<string, unknown> | undefined;
    return request.operationType === OperationTypeNode.SUBSCRIPTION
      ? overWebSocket(query, variables, request.operationName)
      : overHttp(query, variables, request.operationName);
  }) as Executor;
  return { executor, dispose: async () => ws?.dispose() };
}

/**
 * The Gong schema as the stitched gateway sees it: introspected (needs GRAPHQL_INTROSPECTION on for
 * this client in production), minus the router-only `_entities` / `_service`.
 */
export async function loadGongSchema(endpoint: GongEndpoint): Promise<GraphQLSchema> {
  const res = await fetch(endpoint.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...endpoint.headers },
    body: JSON.stringify({ query: getIntrospectionQuery() }),
  });
  const body = (await res.json()) as ExecutionResult<IntrospectionQuery>;
  if (!body.data)
    throw new Error(`introspection of ${endpoint.url} failed: ${JSON.stringify(body.errors)}`);
  return withoutFederationFields(buildClientSchema(body.data));
}

function withoutFederationFields(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  if (!query) return schema;
  const config = query.toConfig();
  const fields = Object.fromEntries(
    Object.entries(config.fields).filter(([name]) => name !== '_entities' && name !== '_service'),
  );
  const federationTypes = new Set([query.name, '_Entity', '_Service', '_Any']);
  const schemaConfig = schema.toConfig();
  return new GraphQLSchema({
    ...schemaConfig,
    query: new GraphQLObjectType({ ...config, fields }),
    types: schemaConfig.types.filter((t) => !federationTypes.has(t.name)),
  });
}

/** The Gong subschema with batched merging of GongUser and GongCall by id. */
export function gongSubschema(schema: GraphQLSchema, executor: Executor): SubschemaConfig {
  return {
    name: 'gong',
    schema,
    executor,
    batch: true,
    merge: {
      GongUser: {
        selectionSet: '{ id }',
        fieldName: 'gongUsersByIds',
        key: (user: { id: string }) => user.id,
        argsFromKeys: (ids: readonly string[]) => ({ ids }),
        dataLoaderOptions: { maxBatchSize: MAX_IDS },
      },
      GongCall: {
        selectionSet: '{ id }',
        fieldName: 'gongCallsByIds',
        key: (call: { id: string }) => call.id,
        argsFromKeys: (ids: readonly string[]) => ({ ids, includePrivate: true }),
        dataLoaderOptions: { maxBatchSize: MAX_IDS },
      },
    },
  };
}

/** The employees subschema: merges its `employee` field into GongUser by id, batched. */
export function employeesSubschema(schema: GraphQLSchema): SubschemaConfig {
  return {
    name: 'employees',
    schema,
    merge: {
      GongUser: {
        selectionSet: '{ id }',
        fieldName: 'employeeGongUsers',
        key: (user: { id: string }) => user.id,
        argsFromKeys: (ids: readonly string[]) => ({ ids }),
      },
    },
  };
}

export const stitch = (subschemas: SubschemaConfig[]): GraphQLSchema =>
  stitchSchemas({ subschemas });

/**
 * A company's HR service as a stitching subschema: employees with what Gong does not know
 * (department, cost centre), each linked to its Gong user. It also contributes `employee` to
 * `GongUser`, so the stitched graph joins both ways.
 *
 * The link is the Gong user id, filled in at start-up by matching work e-mail addresses against
 * Gong's users (`employeesFromGongUsers`): the Gong subgraph has batched lookups by id
 * (`gongUsersByIds`) but none by e-mail, so the merge key is the id.
 *
 * Example code, not part of the gateway.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';

export interface Employee {
  id: string;
  name: string;
  email: string;
  department: string;
  costCenter: string;
  /** The Gong user with the same work e-mail, if any. */
  gongUserId: string | null;
}

export interface GongUserSeed {
  id: string;
  emailAddress: string | null;
  firstName: string | null;
  lastName: string | null;
}

const DEPARTMENTS = ['Sales', 'Customer Success', 'Solutions Engineering', 'Sales Development'];

/** One employee per Gong user with an e-mail address, plus one without a Gong seat. */
export function employeesFromGongUsers(users: readonly GongUserSeed[]): Employee[] {
  const staff = users
    .filter((u): u is GongUserSeed & { emailAddress: string } => Boolean(u.emailAddress))
    .map((u, i) => ({
      id: `emp-${i + 1}`,
      name: [u.firstName, u.lastName].filter(Boolean).join(' ') || u.emailAddress,
      email: u.emailAddress.toLowerCase(),
      department: DEPARTMENTS[i % DEPARTMENTS.length] ?? 'Sales',
      costCenter: `CC-${100 + (i % 7)}`,
      gongUserId: u.id,
    }));
  return [
    ...staff,
    {
      id: `emp-${staff.length + 1}`,
      name: 'Pat Finance',
      email: 'pat.finance@example.com',
      department: 'Finance',
      costCenter: 'CC-900',
      gongUserId: null,
    },
  ];
}

export const employeesTypeDefs = /* GraphQL */ `
  type Employee {
    id: ID!
    name: String!
    email: String!
    department: String!
    costCenter: String!
    "The employee's Gong user; every other GongUser field comes from the Gong subschema."
    gongUser: GongUser
  }

  type GongUser {
    id: ID!
    "The HR record of this Gong user, null when HR has none."
    employee: Employee
  }

  type Query {
    employees: [Employee!]!
    employeeByEmail(email: String!): Employee
    "Merge entry point: a GongUser stub per id, in order (the gateway's batched type merging)."
    employeeGongUsers(ids: [ID!]!): [GongUser]!
  }
`;

interface GongUserStub {
  id: string;
}

export function buildEmployeesSchema(employees: readonly Employee[]): GraphQLSchema {
  const byGongUser = new Map(employees.filter((e) => e.gongUserId).map((e) => [e.gongUserId, e]));
  const byEmail = new Map(employees.map((e) => [e.email, e]));
  return makeExecutableSchema({
    typeDefs: employeesTypeDefs,
    resolvers: {
      Query: {
        employees: () => employees,
        employeeByEmail: (_p: unknown, args: { email: string }) =>
          byEmail.get(args.email.toLowerCase()) ?? null,
        employeeGongUsers: (_p: unknown, args: { ids: string[] }): GongUserStub[] =>
          args.ids.map((id) => ({ id })),
      },
      Employee: {
        gongUser: (e: Employee): GongUserStub | null =>
          e.gongUserId ? { id: e.gongUserId } : null,
      },
      GongUser: {
        employee: (u: GongUserStub) => byGongUser.get(u.id) ?? null,
      },
    },
  });
}

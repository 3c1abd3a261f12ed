/**
 * Definitions read per workspace (trackers, library folders). For a workspace Gong does not know,
 * it answers 404 ("Workspace not found", "No folders found"), which used to read as "none". The
 * cached workspace list tells the two apart: an unknown id is BAD_USER_INPUT naming it; a known
 * workspace's 404 is an empty list.
 */
import { badInput, isGatewayError } from '../../errors.js';
import type { GatewayContext } from '../context.js';
import { gongId } from './ids.js';

export async function readOfWorkspace<T>(
  ctx: GatewayContext,
  workspaceId: string | null | undefined,
  read: (workspaceId: string | undefined) => Promise<T[]>,
): Promise<T[]> {
  const id = workspaceId ? gongId(workspaceId, 'workspaceId') : undefined;
  try {
    return await read(id);
  } catch (e) {
    if (id === undefined || !isGatewayError(e) || e.details?.status !== 404) throw e;
    if ((await ctx.loaders.workspaces()).some((w) => w.id === id)) return [];
    throw badInput(
      `workspaceId ${id} is not a workspace of this Gong company (Gong: ${e.message})`,
      {
        field: 'workspaceId',
        workspaceId: id,
      },
    );
  }
}

/**
 * The jump host of an offline tenant: its one server with a public
 * interface, through which the control node reaches the others (ProxyJump).
 * Every other server of an offline tenant has none, so its data plane has
 * no route out at all. The tenant file names it with a server group of
 * `role: jump` (count 1); without one, the tenant gets the group
 * `{ name: jump, role: jump, count: 1 }` after its own groups. Pure.
 */
import type { TenantFile } from './schema';

/** The role label of a jump host; also the name of the group an offline tenant gets when it names none. */
export const JUMP_ROLE = 'jump';

type Group = TenantFile['servers'][number];

/** The group an offline tenant without a `role: jump` group gets (platform default type and image). */
export const AUTO_JUMP_GROUP: Group = { name: JUMP_ROLE, role: JUMP_ROLE, count: 1 };

/** The role of a group as the label carries it (the group name when no role is given). */
export const groupRole = (g: Pick<Group, 'name' | 'role'>): string => g.role ?? g.name;

/**
 * The group an offline tenant gets in addition to its own: none for an
 * online tenant or one whose file has a `role: jump` group. (Lists may have
 * holes after a schema error: `some` skips them.)
 */
export function addedJumpGroup(input: Pick<TenantFile, 'mode' | 'servers'>): Group | undefined {
  if (input.mode !== 'offline') return undefined;
  return input.servers.some((g) => g !== undefined && g.role === JUMP_ROLE) ? undefined : AUTO_JUMP_GROUP;
}

/**
 * Calls `fn` for every server group the tenant runs, in order: the file's
 * (skipping holes) and then the added jump group, whose `index` is
 * undefined (it has no line in the file).
 */
export function forEachServerGroup(input: Pick<TenantFile, 'mode' | 'servers'>, fn: (g: Group, index: number | undefined) => void): void {
  input.servers.forEach((g, i) => fn(g, i));
  const added = addedJumpGroup(input);
  if (added) fn(added, undefined);
}

/**
 * The server the tenant's volume is attached to (and its data plane runs
 * on): the first that is not the jump host, so the data stays off the one
 * public interface; the jump host only when it is the tenant's only server.
 */
export function dataServer<S extends { readonly name: string }>(servers: readonly S[], jumpHost: string | undefined): S {
  return servers.find((s) => s.name !== jumpHost) ?? servers[0];
}

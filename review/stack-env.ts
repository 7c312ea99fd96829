/**
 * The environment a stack's tofu runs with. Pure. A stack reads the platform
 * token from HCLOUD_TOKEN, and a bring-your-own-project tenant's token from a
 * variable named after its environment variable (TF_VAR_<NAME>). Whatever is
 * missing gets a 64-character dummy: the provider checks only the length, and
 * a plan of new resources makes no API call. A stack planned with a dummy
 * must not refresh (that would call the API).
 */

import { DUMMY_TOKEN } from '../lib/hetzner';

export interface StackEnv {
  readonly env: Record<string, string | undefined>;
  /** True when some token is the dummy: plan with -refresh=false. */
  readonly offline: boolean;
}

/** Variables the stack declares without a default (they must come from TF_VAR_*). */
export function requiredVariables(stack: unknown): string[] {
  const vars = (stack as { variable?: Record<string, { default?: unknown }> })?.variable ?? {};
  return Object.keys(vars).filter((n) => vars[n].default === undefined).sort();
}

export function stackEnv(stack: unknown, base: Readonly<Record<string, string | undefined>>): StackEnv {
  const env: Record<string, string | undefined> = { ...base, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
  let offline = false;
  if (!env.HCLOUD_TOKEN) {
    env.HCLOUD_TOKEN = DUMMY_TOKEN;
    offline = true;
  }
  for (const name of requiredVariables(stack)) {
    if (env[`TF_VAR_${name}`]) continue;
    if (env[name]) env[`TF_VAR_${name}`] = env[name];
    else {
      env[`TF_VAR_${name}`] = DUMMY_TOKEN;
      offline = true;
    }
  }
  return { env, offline };
}

/**
 * `npm run bench`: every benchmark, numbers printed for the issue notes.
 * BENCH=synth,validate runs a subset. Benchmarks measure; tests never time.
 * Opt-in ones (BENCH=rootfs: a fresh debootstrap from the mirror) run only when named.
 */
import { benchSynth } from './synth';
import { benchValidate } from './validate';
import { benchPlanReview } from './plan-review';
import { benchDeploy } from './deploy';
import { benchAnsible } from './ansible';
import { benchConfigure } from './configure';
import { benchMachines, benchRootfs } from './machines';
import { benchBackup } from './backup';

type Bench = [name: string, run: () => Promise<string[]>, optIn?: 'opt-in'];

const benches: Bench[] = [
  ['validate', benchValidate],
  ['synth', benchSynth],
  ['plan-review', benchPlanReview],
  ['deploy', benchDeploy],
  ['ansible', benchAnsible],
  ['configure', benchConfigure],
  ['machines', benchMachines],
  ['backup', benchBackup],
  ['rootfs', benchRootfs, 'opt-in'],
];

async function main() {
  const only = process.env.BENCH?.split(',');
  for (const [name, run, optIn] of benches) {
    if (only ? !only.includes(name) : optIn) continue;
    const started = Date.now();
    console.log(`## ${name}`);
    for (const line of await run()) console.log(`  ${line}`);
    console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

/**
 * What a test harness made, as steps that remove it: run() takes them in
 * reverse order (last made, first removed) and runs every one, also when an
 * earlier one failed, so a half-built lab is removed as well as a whole one.
 */
export interface UndoStack {
  push(step: () => Promise<unknown> | unknown): void;
  run(): Promise<void>;
}

export function undoStack(): UndoStack {
  const steps: (() => Promise<unknown> | unknown)[] = [];
  return {
    push: (step) => void steps.push(step),
    async run() {
      for (const step of steps.splice(0).reverse()) {
        try {
          await step();
        } catch {
          /* keep cleaning up */
        }
      }
    },
  };
}

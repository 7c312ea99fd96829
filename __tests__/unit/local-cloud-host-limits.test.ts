/** The host limit the local cloud raises before it boots servers (local-cloud/machines/host-limits.ts). */
import { MIN_INOTIFY_INSTANCES, raisedInotifyInstances } from '../../local-cloud/machines/host-limits';

test("raises the kernel's default of 128 inotify instances per user to the minimum", () => {
  expect(raisedInotifyInstances(128)).toBe(MIN_INOTIFY_INSTANCES);
  expect(MIN_INOTIFY_INSTANCES).toBeGreaterThanOrEqual(1024);
});

test('never lowers a limit at or above the minimum', () => {
  expect(raisedInotifyInstances(MIN_INOTIFY_INSTANCES)).toBeUndefined();
  expect(raisedInotifyInstances(65536)).toBeUndefined();
});

test('raises a setting that does not read as a number', () => {
  expect(raisedInotifyInstances(Number('unreadable'))).toBe(MIN_INOTIFY_INSTANCES);
});

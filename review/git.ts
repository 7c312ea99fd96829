/**
 * The git edge of the review: the base revision, the changed paths since it
 * (committed and uncommitted, untracked included), and files as they were at
 * the base, and the whole tree of the base (to synthesize it with its own
 * code). Every path is relative to the project directory, which may be a
 * subdirectory of the repository.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseNameStatus, type ChangedPath } from './changed-files';

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${(err.stderr || err.message).trim()}`);
  }
}

function revExists(cwd: string, rev: string): boolean {
  try {
    git(cwd, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * The commit to compare against: the merge base of `base` and HEAD, as
 * `git diff base...HEAD` uses. Without `base`: `main`, else `origin/main`.
 */
export function resolveBase(cwd: string, base?: string): { name: string; commit: string } {
  try {
    git(cwd, ['rev-parse', '--show-toplevel']);
  } catch {
    throw new Error(`${cwd} is not inside a git repository; the review compares the working tree with a base commit`);
  }
  const candidates = base ? [base] : ['main', 'origin/main'];
  const name = candidates.find((c) => revExists(cwd, c));
  if (!name) {
    throw new Error(base
      ? `base "${base}" is not a commit in this repository; pass --base <branch, tag or sha>`
      : 'no branch "main" or "origin/main" to compare with; pass --base <ref> (in CI: fetch the target branch first)');
  }
  try {
    return { name, commit: git(cwd, ['merge-base', name, 'HEAD']).trim() };
  } catch {
    throw new Error(`no merge base of ${name} and HEAD; in a shallow clone fetch the history first (git fetch --unshallow, or actions/checkout with fetch-depth: 0)`);
  }
}

/** Changes from `commit` to the working tree (committed, staged, unstaged), plus untracked files. */
export function changedPaths(cwd: string, commit: string): ChangedPath[] {
  const tracked = parseNameStatus(git(cwd, ['diff', '--name-status', '-M', '--relative', '--no-color', commit]));
  const untracked = git(cwd, ['ls-files', '--others', '--exclude-standard'])
    .split('\n')
    .filter(Boolean)
    .map((path): ChangedPath => ({ status: 'added', path }));
  return [...tracked, ...untracked];
}

/** Names of the files directly in `dir` at `commit` (relative to the project). */
export function filesAt(cwd: string, commit: string, dir: string): string[] {
  return git(cwd, ['ls-tree', '--name-only', commit, `${dir.replace(/\/+$/, '')}/`])
    .split('\n')
    .filter(Boolean)
    .map((p) => p.split('/').pop()!);
}

/** A file's content at `commit`, or undefined when it did not exist there. */
export function fileAt(cwd: string, commit: string, path: string): string | undefined {
  try {
    return git(cwd, ['show', `${commit}:./${path}`]);
  } catch {
    return undefined;
  }
}

/** The project directory's path inside the repository (`''` at the top, else `sub/dir/`). */
export function projectPrefix(cwd: string): string {
  return git(cwd, ['rev-parse', '--show-prefix']).trim();
}

/**
 * Writes the whole tree of `commit` into `dest` (created), as `git archive`
 * exports it: tracked files only, no .git. Returns the project directory
 * inside it (the same subdirectory `cwd` is of its repository).
 */
export function exportCommit(cwd: string, commit: string, dest: string): string {
  fs.mkdirSync(dest, { recursive: true });
  const tar = path.join(dest, '..', `${path.basename(dest)}.tar`);
  git(cwd, ['archive', '--format=tar', '-o', tar, commit]);
  try {
    execFileSync('tar', ['-xf', tar, '-C', dest], { stdio: ['ignore', 'ignore', 'pipe'] });
  } finally {
    fs.rmSync(tar, { force: true });
  }
  return path.join(dest, projectPrefix(cwd));
}

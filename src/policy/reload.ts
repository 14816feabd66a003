import { watch, type FSWatcher } from "node:fs";
import path from "node:path";
import type { Logger } from "../log/logger.js";
import type { Metrics } from "../metrics/metrics.js";
import type { PolicyHolder } from "../service/policy-holder.js";
import { loadPolicy } from "./loader.js";
import type { Policy } from "./policy.js";

/** What a reloader swaps into and reports to. */
export interface ReloadDeps {
  readonly policies: PolicyHolder;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Defaults to `loadPolicy`, the loader every other door uses. */
  readonly load?: (file: string) => Promise<Policy>;
}

/** Where the policy is and how long to wait for a change to settle. */
export interface ReloadOptions {
  readonly policyPath: string;
  /** Quiet time after the last change event before loading. */
  readonly debounceMs: number;
}

/**
 * Keeps the served policy in step with its file.
 *
 * It watches the policy's folder, not the file: editors replace files by
 * rename, and a Kubernetes ConfigMap volume updates by pointing the
 * `..data` symlink at a new folder, neither of which a watch on the old
 * file would see. A burst of events is debounced into one load. A policy
 * that loads is swapped in whole (a request keeps the policy it started
 * with); one that does not is counted, logged once per distinct problem,
 * and the last good policy keeps serving.
 */
export class PolicyReloader {
  readonly #watchers = new Map<string, FSWatcher>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;
  #lastProblem: string | undefined;
  readonly #load: (file: string) => Promise<Policy>;

  constructor(
    private readonly deps: ReloadDeps,
    private readonly options: ReloadOptions,
  ) {
    this.#load = deps.load ?? loadPolicy;
  }

  /**
   * Starts watching the folder of the policy and of every file it extends,
   * so that a change to a parent policy reloads its variants too.
   */
  start(): this {
    this.#watchFolders(this.deps.policies.current());
    return this;
  }

  /** Stops watching; a reload already running still finishes. */
  close(): void {
    this.#closed = true;
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
    clearTimeout(this.#timer);
  }

  /** Watches exactly the folders of the policy's files, once each. */
  #watchFolders(policy: Policy): void {
    const files = [this.options.policyPath, ...(policy.files ?? [])];
    const folders = new Set(files.map((f) => path.dirname(path.resolve(f))));
    for (const [folder, watcher] of this.#watchers) {
      if (folders.has(folder)) continue;
      watcher.close();
      this.#watchers.delete(folder);
    }
    for (const folder of folders) {
      if (this.#closed || this.#watchers.has(folder)) continue;
      this.#watchers.set(folder, this.#watch(folder));
    }
  }

  #watch(folder: string): FSWatcher {
    const watcher = watch(folder, { persistent: false }, () =>
      this.#schedule(),
    );
    watcher.on("error", (error) => {
      this.deps.log.error({ err: error, folder }, "policy watch failed");
    });
    this.deps.log.info({ folder }, "watching policy folder");
    return watcher;
  }

  /**
   * Loads the policy now and swaps it in if it is good. Reloads never
   * overlap: a change during a load triggers one more load after it.
   */
  reload(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#reloadOnce().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        void this.reload();
      }
    });
    return this.#running;
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.reload(), this.options.debounceMs);
  }

  async #reloadOnce(): Promise<void> {
    let policy: Policy;
    try {
      policy = await this.#load(this.options.policyPath);
    } catch (error) {
      this.#failed(error);
      return;
    }
    this.#swap(policy);
  }

  #swap(policy: Policy): void {
    const previous = this.deps.policies.current().version;
    this.deps.policies.swap(policy);
    this.deps.metrics.policyLoaded(policy);
    this.#watchFolders(policy);
    this.#lastProblem = undefined;
    const fields = { from: previous, to: policy.version };
    if (previous === policy.version) {
      this.deps.log.debug(fields, "policy reloaded unchanged");
    } else {
      this.deps.log.info(fields, "policy reloaded");
    }
  }

  #failed(error: unknown): void {
    this.deps.metrics.policyLoadFailed();
    const problem = error instanceof Error ? error.message : String(error);
    if (problem === this.#lastProblem) return;
    this.#lastProblem = problem;
    this.deps.log.warn(
      {
        policy: this.options.policyPath,
        active: this.deps.policies.current().version,
        problem,
      },
      "policy reload failed; the last good policy keeps serving",
    );
  }
}

import { domainToASCII } from "node:url";

/**
 * Puts a host name in the one form domain lists are compared in: lower case,
 * IDNA (punycode) ASCII, no trailing dots. `BIT.LY.` and `bit.ly` are the
 * same host to a resolver, so they must be the same host here. Returns
 * undefined for a name IDNA rejects.
 */
export function canonicalHost(host: string): string | undefined {
  const bare = host.trim().replace(/\.+$/u, "");
  if (bare === "") return undefined;
  const ascii = domainToASCII(bare);
  return ascii === "" ? undefined : ascii;
}

/**
 * The host of a list entry. Lists are hand-kept and a few entries are
 * written as URLs (`http://www.game163.in`) or with a port
 * (`qqhaoma2.cn:81`); those are read with the URL parser, the rest as bare
 * host names.
 */
function entryHost(entry: string): string | undefined {
  if (!/[/:]/u.test(entry)) return canonicalHost(entry);
  try {
    const url = new URL(entry.includes("//") ? entry : `http://${entry}`);
    return canonicalHost(url.hostname);
  } catch {
    return undefined;
  }
}

/**
 * A set of domains matched by suffix on label boundaries: a set holding
 * `bit.ly` matches `bit.ly` and `sub.bit.ly`, never `abit.ly` or
 * `bit.ly.example.com`. A lookup costs one hash probe per label of the host.
 */
export class DomainSet {
  private readonly domains: ReadonlySet<string>;
  /** Entries that were not valid host names, as written. */
  readonly rejected: readonly string[];

  constructor(entries: Iterable<string>) {
    const domains = new Set<string>();
    const rejected: string[] = [];
    for (const entry of entries) {
      const host = entryHost(entry);
      if (host === undefined) rejected.push(entry);
      else domains.add(host);
    }
    this.domains = domains;
    this.rejected = rejected;
  }

  /**
   * Reads a list file: one domain a line; `#` comments and blank lines are
   * skipped; entries are trimmed and canonicalised.
   */
  static fromText(text: string): DomainSet {
    const lines = text.split(/\r?\n/u).map((line) => line.trim());
    return new DomainSet(lines.filter((l) => l !== "" && !l.startsWith("#")));
  }

  /** Distinct domains held. */
  get size(): number {
    return this.domains.size;
  }

  /**
   * The listed domain that `host` equals or lies under, or undefined.
   * `host` must be canonical (see {@link canonicalHost}); the most specific
   * listed domain wins.
   */
  match(host: string): string | undefined {
    let suffix = host;
    for (;;) {
      if (this.domains.has(suffix)) return suffix;
      const dot = suffix.indexOf(".");
      if (dot === -1) return undefined;
      suffix = suffix.slice(dot + 1);
    }
  }
}

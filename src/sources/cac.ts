import { canonicalHost, DomainSet } from "../links/domain-set.js";
import { normalizeText } from "../text/normalize.js";

/*
 * The CAC list of Internet news information sources (Art. 5(3)), as shipped
 * in `policies/data/cac-news-sources.tsv` by `scripts/build-policy-data.ts`
 * from `shared/data/cac/news-sources.tsv` (2025 edition, 1,435 rows as a
 * third party extracted them from the PDF). The build (see `cac-build.ts`):
 *
 * - artefacts: 5 names held a literal `\n` where the PDF wrapped a line and
 *   1 a space ("21 经济网"); both are removed. Names are NFKC, which turns
 *   the full-width parentheses of 8 names into ASCII ones.
 * - merged rows: 7 rows of the government platforms joined several sites
 *   into one name ("公安部网站中国反邪教网"); a reviewed table splits them
 *   into 16 sources and keeps the joined name as an alias of the first, so
 *   that data built from the raw list still matches.
 * - duplicates: 团结报, 荔枝网 and 贺州新闻网 appear twice and 中国军网
 *   comes back from a split: 4 removed. The first row is kept (its seq and
 *   category); a later one lends its domain when the first has none, and
 *   its aliases.
 * - aliases: 8 names carry a second name in parentheses
 *   ("荆楚网(湖北日报网)"); both parts become aliases (15 kept), except an
 *   alias that is itself a listed name (经济网 is its own row: 1 dropped).
 * - result: 1,440 sources from 1,435 rows.
 * - domains: the `url` column is filled for 167 rows (166 sources) and is
 *   sometimes wrong (荔枝网 reappears among the Guangdong sites with
 *   Jiangsu's URL), so a domain only ever supports a source; the name is
 *   what matches first.
 *
 * Names match exactly after normalisation, without tolerating suffix
 * variants: the list itself names a paper and its site apart (中国基金报 and
 * 中国基金报网站, 人民铁道报 and 人民铁道网), so "X报" does not vouch for
 * "X网" and stripping suffixes would admit sources the CAC did not list.
 */

/** One source on the CAC list. */
export interface CacSource {
  /** Row number in the CAC list (first row when the name repeated). */
  readonly seq: number;
  /** The name as the list gives it, after artefact cleaning. */
  readonly name: string;
  readonly category: string;
  readonly subCategory: string;
  /** Registered host with `www.` removed, where the list gives a URL. */
  readonly domain?: string;
  /** Other names of the same source. */
  readonly aliases: readonly string[];
}

/**
 * The key a source name is compared by: {@link normalizeText}, then no
 * literal `\n` left by PDF extraction, no white space at all (PDF
 * extraction inserts spaces inside Chinese names) and no book-title marks,
 * which papers are written with or without (《党建》杂志, 党建杂志).
 */
export function sourceNameKey(name: string): string {
  return normalizeText(name.replaceAll("\\n", "")).replace(/[\s《》]/gu, "");
}

/** The host a source is registered under: canonical, without `www.`. */
export function sourceDomain(host: string): string | undefined {
  return canonicalHost(host)?.replace(/^www\./u, "");
}

/** A row of the shipped TSV that cannot be read, with file and line. */
export class CacSourceError extends Error {
  override readonly name = "CacSourceError";
}

export const CAC_TSV_COLUMNS = [
  "seq",
  "name",
  "category",
  "sub_category",
  "domain",
  "aliases",
] as const;

/** Separates aliases in the TSV; no CAC name contains it. */
export const ALIAS_SEPARATOR = "|";

function parseRow(fields: string[], where: string): CacSource {
  if (fields.length !== CAC_TSV_COLUMNS.length) {
    const count = `${fields.length} fields, want ${CAC_TSV_COLUMNS.length}`;
    throw new CacSourceError(`${where}: ${count}`);
  }
  const [seq = "", name = "", category = "", subCategory = ""] = fields;
  const [, , , , domain = "", aliases = ""] = fields;
  if (!/^\d+$/u.test(seq)) throw new CacSourceError(`${where}: seq ${seq}`);
  if (name === "") throw new CacSourceError(`${where}: empty name`);
  const source = {
    seq: Number(seq),
    name,
    category,
    subCategory,
    aliases: aliases === "" ? [] : aliases.split(ALIAS_SEPARATOR),
  };
  return domain === "" ? source : { ...source, domain };
}

/**
 * The CAC source list, indexed for the two questions Art. 5(3) asks: is this
 * source name listed, and is this host a listed source's site.
 */
export class CacSourceList {
  readonly sources: readonly CacSource[];
  private readonly byName = new Map<string, CacSource>();
  /**
   * The keys that are their own key: a name sent exactly so is found
   * without normalising it. Rankers send the listed names as written,
   * and normalising was most of this rule's time.
   */
  private readonly byKeyAsWritten = new Map<string, CacSource>();
  private readonly byDomain = new Map<string, CacSource>();
  private readonly domains: DomainSet;

  /** Earlier sources win a name, alias or domain that repeats. */
  constructor(sources: readonly CacSource[]) {
    this.sources = sources;
    for (const source of sources)
      this.index(sourceNameKey(source.name), source);
    for (const source of sources) {
      for (const alias of source.aliases)
        this.index(sourceNameKey(alias), source);
      if (source.domain !== undefined && !this.byDomain.has(source.domain)) {
        this.byDomain.set(source.domain, source);
      }
    }
    this.domains = new DomainSet(this.byDomain.keys());
    for (const [key, source] of this.byName) {
      if (sourceNameKey(key) === key) this.byKeyAsWritten.set(key, source);
    }
  }

  private index(key: string, source: CacSource): void {
    if (key !== "" && !this.byName.has(key)) this.byName.set(key, source);
  }

  /**
   * Reads the shipped TSV: `#` comment lines, a header naming
   * {@link CAC_TSV_COLUMNS}, then one source a row.
   */
  static fromTsv(text: string, file: string): CacSourceList {
    const lines = text.split(/\r?\n/u);
    const rows = lines.flatMap((line, index) =>
      line === "" || line.startsWith("#") ? [] : [{ line, number: index + 1 }],
    );
    const [header, ...body] = rows;
    if (header?.line !== CAC_TSV_COLUMNS.join("\t")) {
      const where = `${file}:${header?.number ?? 1}`;
      throw new CacSourceError(`${where}: header must be ${CAC_TSV_COLUMNS}`);
    }
    return new CacSourceList(
      body.map(({ line, number }) =>
        parseRow(line.split("\t"), `${file}:${number}`),
      ),
    );
  }

  /** Distinct sources. */
  get size(): number {
    return this.sources.length;
  }

  /** The source listed under this name or alias, after normalisation. */
  matchName(name: string): CacSource | undefined {
    return (
      this.byKeyAsWritten.get(name) ?? this.byName.get(sourceNameKey(name))
    );
  }

  /**
   * The source whose registered domain is this host or lies above it
   * (`news.people.com.cn` is 人民网's site). The most specific domain wins;
   * among sources sharing one, the first listed.
   */
  matchDomain(host: string): CacSource | undefined {
    const canonical = canonicalHost(host);
    const domain =
      canonical === undefined ? undefined : this.domains.match(canonical);
    return domain === undefined ? undefined : this.byDomain.get(domain);
  }
}

import {
  ALIAS_SEPARATOR,
  CAC_TSV_COLUMNS,
  type CacSource,
  sourceDomain,
  sourceNameKey,
} from "./cac.js";

/*
 * Builds the shipped CAC source list from the raw extraction
 * (`shared/data/cac/news-sources.tsv`: seq, category, sub_category, name,
 * url_from_repo). Run by `scripts/build-policy-data.ts`; `cac.ts` says what
 * the build does to the list and why.
 */

/**
 * Rows where PDF extraction joined the sites of one department into one
 * name, read against the published list and split by hand. Keys are names
 * after {@link cleanName}.
 */
const MERGED_ROWS: ReadonlyMap<string, readonly string[]> = new Map([
  [
    "国务院新闻办公室网站国家新闻出版署网站中国全民阅读网",
    ["国务院新闻办公室网站", "国家新闻出版署网站", "中国全民阅读网"],
  ],
  [
    "中国网信网中央网信办违法和不良信息举报中心网站中国互联网联合辟谣平台网站",
    [
      "中国网信网",
      "中央网信办违法和不良信息举报中心网站",
      "中国互联网联合辟谣平台网站",
    ],
  ],
  ["公安部网站中国反邪教网", ["公安部网站", "中国反邪教网"]],
  [
    "民政部网站中国社会组织政务服务平台",
    ["民政部网站", "中国社会组织政务服务平台"],
  ],
  ["中国科协网站科普中国网", ["中国科协网站", "科普中国网"]],
  ["中国军网国防部网", ["中国军网", "国防部网"]],
  [
    "新疆维吾尔自治区人民政府网站新疆生产建设兵团政务网站",
    ["新疆维吾尔自治区人民政府网站", "新疆生产建设兵团政务网站"],
  ],
]);

/**
 * Names that carry a second name of the same site in parentheses, with the
 * names a source may be given under. 《中国妇女》(英文版) is not here: its
 * parentheses qualify the name rather than rename it.
 */
const PARENTHESISED_NAMES: ReadonlyMap<string, readonly string[]> = new Map([
  ["经济网(中国经济周刊网)", ["经济网", "中国经济周刊网"]],
  [
    "中共中央台湾工作办公室(国务院台湾事务办公室)网站",
    ["中共中央台湾工作办公室网站", "国务院台湾事务办公室网站"],
  ],
  ["中央党校(国家行政学院)网站", ["中央党校网站", "国家行政学院网站"]],
  [
    "中共中央党史和文献研究院网站(中国共产党历史和文献网)",
    ["中共中央党史和文献研究院网站", "中国共产党历史和文献网"],
  ],
  ["白菜心(皖江在线)", ["白菜心", "皖江在线"]],
  ["荆楚网(湖北日报网)", ["荆楚网", "湖北日报网"]],
  ["东楚网(黄石新闻网)", ["东楚网", "黄石新闻网"]],
  ["榆林网(塞上明珠网)", ["榆林网", "塞上明珠网"]],
]);

/** What the build did, written into the shipped file's header. */
export interface CacBuildStats {
  inputRows: number;
  /** Names that held a literal `\n` from PDF extraction. */
  newlineArtefacts: number;
  /** Names that held white space from PDF extraction. */
  spaceArtefacts: number;
  /** Names NFKC changed (full-width parentheses and the like). */
  widthNormalised: number;
  mergedRows: number;
  sourcesFromMergedRows: number;
  duplicatesRemoved: number;
  aliasesKept: number;
  /** Aliases dropped because they are a listed name or an earlier alias. */
  aliasesDropped: number;
  withDomain: number;
  outputRows: number;
}

export interface CacBuild {
  readonly sources: CacSource[];
  readonly stats: CacBuildStats;
}

interface RawRow {
  seq: number;
  category: string;
  subCategory: string;
  name: string;
  url: string;
}

const RAW_HEADER = "seq\tcategory\tsub_category\tname\turl_from_repo";

function parseRawRows(tsv: string): RawRow[] {
  const [header, ...lines] = tsv.split(/\r?\n/u);
  if (header !== RAW_HEADER) {
    throw new Error(`cac source list: header must be ${RAW_HEADER}`);
  }
  return lines
    .filter((line) => line !== "")
    .map((line) => {
      const [seq = "", category = "", subCategory = "", name = "", url = ""] =
        line.split("\t");
      return { seq: Number(seq), category, subCategory, name, url };
    });
}

/** NFKC, then no literal `\n` and no white space (see `cac.ts`). */
export function cleanName(raw: string): string {
  return raw.normalize("NFKC").replaceAll("\\n", "").replace(/\s/gu, "");
}

function urlDomain(url: string): string | undefined {
  if (url === "") return undefined;
  try {
    return sourceDomain(new URL(url).hostname);
  } catch {
    return undefined;
  }
}

function emptyStats(inputRows: number): CacBuildStats {
  return {
    inputRows,
    newlineArtefacts: 0,
    spaceArtefacts: 0,
    widthNormalised: 0,
    mergedRows: 0,
    sourcesFromMergedRows: 0,
    duplicatesRemoved: 0,
    aliasesKept: 0,
    aliasesDropped: 0,
    withDomain: 0,
    outputRows: 0,
  };
}

function countArtefacts(name: string, stats: CacBuildStats): void {
  if (name.includes("\\n")) stats.newlineArtefacts++;
  if (/\s/u.test(name)) stats.spaceArtefacts++;
  if (name.normalize("NFKC") !== name) stats.widthNormalised++;
}

/** A source still being built: aliases as a list to extend. */
interface Draft {
  seq: number;
  name: string;
  category: string;
  subCategory: string;
  domain: string | undefined;
  aliases: string[];
}

/** The sources one raw row stands for: one, or several for a merged row. */
function draftsOf(row: RawRow, stats: CacBuildStats): Draft[] {
  countArtefacts(row.name, stats);
  const name = cleanName(row.name);
  const parts = MERGED_ROWS.get(name) ?? [name];
  if (parts.length > 1) {
    stats.mergedRows++;
    stats.sourcesFromMergedRows += parts.length;
  }
  return parts.map((part, index) => ({
    seq: row.seq,
    name: part,
    category: row.category,
    subCategory: row.subCategory,
    domain: urlDomain(row.url),
    aliases: [
      ...(PARENTHESISED_NAMES.get(part) ?? []),
      ...(index === 0 && parts.length > 1 ? [name] : []),
    ],
  }));
}

/** Keeps the first draft of each name; later ones lend domain and aliases. */
function dedupe(drafts: Draft[], stats: CacBuildStats): Draft[] {
  const byKey = new Map<string, Draft>();
  for (const draft of drafts) {
    const key = sourceNameKey(draft.name);
    const kept = byKey.get(key);
    if (kept === undefined) {
      byKey.set(key, draft);
      continue;
    }
    stats.duplicatesRemoved++;
    kept.domain ??= draft.domain;
    kept.aliases.push(...draft.aliases);
  }
  return [...byKey.values()];
}

/** Drops aliases that are a listed name or repeat an earlier alias. */
function pruneAliases(drafts: Draft[], stats: CacBuildStats): void {
  const taken = new Set(drafts.map((draft) => sourceNameKey(draft.name)));
  for (const draft of drafts) {
    const kept: string[] = [];
    for (const alias of draft.aliases) {
      const key = sourceNameKey(alias);
      if (taken.has(key)) stats.aliasesDropped++;
      else kept.push(alias);
      taken.add(key);
    }
    stats.aliasesKept += kept.length;
    draft.aliases = kept;
  }
}

function toSource(draft: Draft): CacSource {
  const { domain, ...rest } = draft;
  return domain === undefined ? rest : { ...rest, domain };
}

/** Builds the shipped list from the raw TSV text. */
export function buildCacSources(rawTsv: string): CacBuild {
  const rows = parseRawRows(rawTsv);
  const stats = emptyStats(rows.length);
  const drafts = dedupe(
    rows.flatMap((row) => draftsOf(row, stats)),
    stats,
  );
  pruneAliases(drafts, stats);
  stats.withDomain = drafts.filter((d) => d.domain !== undefined).length;
  stats.outputRows = drafts.length;
  return { sources: drafts.map(toSource), stats };
}

function statsHeader(stats: CacBuildStats): string[] {
  return [
    `# input rows: ${stats.inputRows}`,
    `# artefacts fixed: ${stats.newlineArtefacts} literal \\n, ${stats.spaceArtefacts} spaces; NFKC changed ${stats.widthNormalised} names`,
    `# merged rows split: ${stats.mergedRows} into ${stats.sourcesFromMergedRows} sources`,
    `# duplicates removed: ${stats.duplicatesRemoved} (first row kept)`,
    `# aliases: ${stats.aliasesKept} kept, ${stats.aliasesDropped} dropped as a listed name or repeat`,
    `# rows with a domain: ${stats.withDomain}`,
    `# output rows: ${stats.outputRows}`,
  ];
}

function sourceRow(source: CacSource): string {
  return [
    String(source.seq),
    source.name,
    source.category,
    source.subCategory,
    source.domain ?? "",
    source.aliases.join(ALIAS_SEPARATOR),
  ].join("\t");
}

/** The shipped TSV: provenance and counts as `#` lines, header, rows. */
export function formatCacTsv(build: CacBuild): string {
  const lines = [
    "# CAC list of Internet news information sources (Art. 5(3)), 2025 edition",
    "# built by scripts/build-policy-data.ts from shared/data/cac/news-sources.tsv;",
    "# do not edit: how artefacts, merged rows and duplicates are handled is in",
    "# src/sources/cac.ts",
    ...statsHeader(build.stats),
    CAC_TSV_COLUMNS.join("\t"),
    ...build.sources.map(sourceRow),
  ];
  return `${lines.join("\n")}\n`;
}

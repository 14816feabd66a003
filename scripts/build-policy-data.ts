/**
 * Builds the data files shipped in `policies/data/` from `../shared/data/`
 * (public data nobody on this project wrote) and writes them, or with
 * `--check` fails when a committed file differs from what it would write.
 *
 *   npx tsx scripts/build-policy-data.ts [--check]
 *
 * The CAC news source list is cleaned (src/sources/cac.ts says how). The
 * link lists are copied unchanged with their licences: the shortener list is
 * CC-BY-SA-4.0, which asks for attribution and notice of changes, so
 * ATTRIBUTION.md says where each list came from and that it is unmodified.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildCacSources, formatCacTsv } from "../src/sources/cac-build.js";

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
);
const sharedData = path.resolve(repoRoot, "../shared/data");

/** Output path (relative to the repository) to its content. */
type Outputs = Map<string, string>;

function shared(relative: string): string {
  return readFileSync(path.join(sharedData, relative), "utf8");
}

const LINK_FILES = [
  "url-shorteners.txt",
  "url-shorteners.LICENSE",
  "illegal-domains.txt",
  "illegal-domains.LICENSE",
];

const LINKS_ATTRIBUTION = `# Attribution of the link lists

These lists are third-party data shipped with pushguard for Art. 5(9)
(links and QR codes that divert traffic). They are copied unchanged from
\`shared/data/links/\` by \`scripts/build-policy-data.ts\`; pushguard
canonicalises the entries (lower case, punycode, no trailing dot) when it
loads them, and changes nothing in the files.

## url-shorteners.txt

- Work: "url-shorteners", a collection of URL shortener domains
- Creator: Peter Dave Hello (PeterDaveHello) and contributors
- Source: https://github.com/PeterDaveHello/url-shorteners, file \`list\`,
  commit 69dd70b
- Licence: Creative Commons Attribution-ShareAlike 4.0 International
  (CC-BY-SA-4.0), full text in \`url-shorteners.LICENSE\`,
  https://creativecommons.org/licenses/by-sa/4.0/
- Changes: none. The file, including its own header, is reproduced as
  published. Any adaptation of it shared by this project must stay under
  CC-BY-SA-4.0.
- No warranty: the list is provided as-is by its authors (see the licence,
  section 5).

## illegal-domains.txt

- Work: "Sensitive-lexicon", file \`Vocabulary/非法网址.txt\` (phishing and
  illegal-site domains seen in Chinese spam)
- Creator: Konsheng
- Source: https://github.com/konsheng/Sensitive-lexicon, commit 5a8da94
- Licence: MIT, copyright and permission notice in
  \`illegal-domains.LICENSE\`
- Changes: none. Some entries carry upper case or trailing spaces; pushguard
  normalises them at load time, not in the file.
`;

function linkOutputs(outputs: Outputs): void {
  for (const file of LINK_FILES) {
    outputs.set(`policies/data/links/${file}`, shared(`links/${file}`));
  }
  outputs.set("policies/data/links/ATTRIBUTION.md", LINKS_ATTRIBUTION);
}

function cacOutputs(outputs: Outputs): void {
  const build = buildCacSources(shared("cac/news-sources.tsv"));
  outputs.set("policies/data/cac-news-sources.tsv", formatCacTsv(build));
}

function buildOutputs(): Outputs {
  const outputs: Outputs = new Map();
  linkOutputs(outputs);
  cacOutputs(outputs);
  return outputs;
}

/** Paths whose committed content differs from the built one. */
function staleFiles(outputs: Outputs): string[] {
  return [...outputs].flatMap(([relative, content]) => {
    const file = path.join(repoRoot, relative);
    const same = existsSync(file) && readFileSync(file, "utf8") === content;
    return same ? [] : [relative];
  });
}

function writeOutputs(outputs: Outputs): void {
  for (const [relative, content] of outputs) {
    const file = path.join(repoRoot, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    console.log(`wrote ${relative}`);
  }
}

function main(argv: readonly string[]): number {
  const outputs = buildOutputs();
  if (!argv.includes("--check")) {
    writeOutputs(outputs);
    return 0;
  }
  const stale = staleFiles(outputs);
  for (const relative of stale) console.error(`stale: ${relative}`);
  return stale.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));

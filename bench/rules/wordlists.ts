/**
 * Times the word lists of `policies/data/wordlists/` on 100 real headlines
 * and writes bench/results/wordlists.md.
 *
 *   npx tsx bench/rules/wordlists.ts                  all cases
 *   npx tsx bench/rules/wordlists.ts --case <name>    one case, printed only
 *   node --cpu-prof --import tsx bench/rules/wordlists.ts --case <name>
 *                                                     profile one case
 *
 * The headlines are fixed: every 200th Toutiao title (50, Chinese) and
 * every 40th MIND title (50, English). A run handles all 100, as one Screen
 * of 100 candidates would; runs follow a warm-up, so the figures are for
 * optimised code.
 */
import { execSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Automaton } from "../../src/text/aho-corasick.js";
import {
  normalizeText,
  type NormalizedText,
} from "../../src/text/normalize.js";
import { titleDistortion } from "../../src/text/title-similarity.js";
import {
  compileWordList,
  compileWordListSet,
  parseWordList,
  type WordList,
} from "../../src/text/wordlist.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");
const sharedData = path.resolve(repoRoot, "../shared/data");
const listDir = path.join(repoRoot, "policies/data/wordlists");
const resultFile = path.resolve(here, "../results/wordlists.md");

function headlines(): string[] {
  const read = (file: string) =>
    readFileSync(path.join(sharedData, file), "utf8").split("\n");
  const toutiao = read("toutiao/titles.txt")
    .filter((_, i) => i % 200 === 0)
    .map((line) => line.split("_!_")[3] ?? "");
  const mind = read("mind/news.tsv")
    .filter((_, i) => i % 40 === 0)
    .map((line) => line.split("\t")[3] ?? "");
  return [...toutiao.slice(0, 50), ...mind.slice(0, 50)];
}

function listTerms(): Map<string, string[]> {
  const files = readdirSync(listDir).filter((f) => f.endsWith(".txt"));
  return new Map(
    files.sort().map((file) => {
      const text = readFileSync(path.join(listDir, file), "utf8");
      return [path.basename(file, ".txt"), parseWordList(text, file)];
    }),
  );
}

interface Case {
  readonly name: string;
  readonly what: string;
  /** Returns a count, so that the work cannot be optimised away. */
  readonly run: () => number;
}

function compileAll(terms: Map<string, string[]>): WordList[] {
  return [...terms.values()].map((list) => compileWordList(list));
}

/** The slow way the issue rules out: every term of every list, in turn. */
function naiveLists(terms: Map<string, string[]>): string[][] {
  return [...terms.values()].map((list) =>
    list.map((term) => normalizeText(term.replaceAll("*", ""))),
  );
}

/** One automaton over every key of every list, in both layouts. */
function automata(terms: Map<string, string[]>) {
  const keys = new Set(
    [...terms.values()]
      .flat()
      .map((term) => normalizeText(term.replace(/^\*|\*$/gu, ""))),
  );
  return {
    dense: new Automaton([...keys]),
    sparse: new Automaton([...keys], 0),
  };
}

/** Keys ending anywhere in the texts, read one code unit at a time. */
function countMatches(automaton: Automaton, texts: NormalizedText[]): number {
  let count = 0;
  for (const text of texts) {
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      state = automaton.step(state, text.charCodeAt(i));
      for (let m = automaton.match(state); m >= 0; m = automaton.shorter(m)) {
        count++;
      }
    }
  }
  return count;
}

function allCases(titles: string[], terms: Map<string, string[]>): Case[] {
  const lists = compileAll(terms);
  const set = compileWordListSet(terms);
  const naive = naiveLists(terms);
  const normalised = titles.map((t) => normalizeText(t));
  const sensational = compileWordList(terms.get("sensational") ?? []);
  const pushed = titles.map((t) => `震惊！${t}`);
  const layouts = automata(terms);
  return [
    {
      name: "normalize",
      what: "normalizeText on each title",
      run: () => titles.reduce((n, t) => n + normalizeText(t).length, 0),
    },
    {
      name: "first-match",
      what: "normalise each title once, firstMatch of every list",
      run: () =>
        titles.reduce((n, title) => {
          const text = normalizeText(title);
          return n + lists.filter((l) => l.firstMatch(text)).length;
        }, 0),
    },
    {
      name: "all-matches",
      what: "normalise each title once, matches of every list",
      run: () =>
        titles.reduce((n, title) => {
          const text = normalizeText(title);
          return n + lists.reduce((m, l) => m + l.matches(text).length, 0);
        }, 0),
    },
    {
      name: "set-first-matches",
      what: "normalise each title once, one WordListSet scan for all lists",
      run: () =>
        titles.reduce(
          (n, title) => n + set.firstHits(normalizeText(title)).length,
          0,
        ),
    },
    {
      name: "automaton-dense",
      what: "the eleven lists' automaton alone, DFA table, normalised titles",
      run: () => countMatches(layouts.dense, normalised),
    },
    {
      name: "automaton-sparse",
      what: "the same automaton in the sparse layout (past the table bound)",
      run: () => countMatches(layouts.sparse, normalised),
    },
    {
      name: "naive-includes",
      what: "for comparison: String.includes of every term, no boundaries",
      run: () =>
        normalised.reduce(
          (n, text) =>
            n +
            naive.filter((list) => list.some((t) => text.includes(t))).length,
          0,
        ),
    },
    {
      name: "title-distortion",
      what: "titleDistortion of 震惊！+title against title",
      run: () =>
        titles.reduce(
          (n, t, i) =>
            n +
            titleDistortion(pushed[i] ?? "", t, sensational).addedSensational
              .length,
          0,
        ),
    },
    {
      name: "title-unchanged",
      what: "titleDistortion of each title against itself",
      run: () =>
        titles.reduce(
          (n, t) => n + titleDistortion(t, t, sensational).similarity,
          0,
        ),
    },
    {
      name: "compile",
      what: "parse nothing, compile every list (once per policy load)",
      run: () => compileAll(terms).reduce((n, l) => n + l.size, 0),
    },
  ];
}

interface Timing {
  /** Process CPU time (user + system) over the timed runs, per run. */
  readonly cpuMs: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly runs: number;
  readonly result: number;
}

function time(c: Case, budgetMs = 1500): Timing {
  let result = 0;
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) result = c.run();
  const samples: number[] = [];
  const cpuBefore = process.cpuUsage();
  const until = performance.now() + budgetMs;
  while (samples.length < 200 || performance.now() < until) {
    const start = performance.now();
    c.run();
    samples.push(performance.now() - start);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000 / samples.length;
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
  const runs = samples.length;
  return { cpuMs, medianMs: at(0.5), p99Ms: at(0.99), runs, result };
}

function machine() {
  const cpu = readFileSync("/proc/cpuinfo", "utf8")
    .split("\n")
    .find((line) => line.startsWith("model name"))
    ?.split(":")[1]
    ?.trim();
  const nproc = execSync("nproc").toString().trim();
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(", ");
  return { cpu: cpu ?? "unknown", nproc, node: process.version, load };
}

function report(
  rows: [Case, Timing][],
  terms: Map<string, string[]>,
  started: Date,
) {
  const m = machine();
  const sizes = [...terms].map(([name, list]) => `${name} ${list.length}`);
  const { dense } = automata(terms);
  const cells = dense.tableCells;
  const table = `${cells} cells, ${((cells * 2) / 2 ** 20).toFixed(2)} MiB`;
  const total = [...terms.values()].reduce((n, l) => n + l.length, 0);
  const lines = [
    "# Word list benchmark",
    "",
    `- date: ${started.toISOString()}`,
    `- machine: ${m.cpu}, nproc ${m.nproc}, node ${m.node}`,
    `- load average when it finished (1, 5, 15 min): ${m.load}`,
    "- command: `npx tsx bench/rules/wordlists.ts`",
    `- lists (${terms.size}, ${total} terms): ${sizes.join(", ")}`,
    `- all eleven in one automaton: DFA table of ${table} of 16-bit states`,
    "- input: 100 real headlines, every 200th Toutiao title (50) and every",
    "  40th MIND title (50); a run handles all 100",
    "- each case warmed up for 300 ms, then timed for 1.5 s (>= 200 runs);",
    "  result = hits counted by the case, the same on every run",
    "- wall-clock median and p99 of a run, and process CPU time per run",
    "  (user + system, averaged over the timed runs); on a loaded machine",
    "  the CPU figure is the steadier one",
    "",
    "| case | what a run does | cpu ms | median ms | p99 ms | us per title (cpu) | runs | result |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const [c, t] of rows) {
    const perTitle = c.name === "compile" ? "" : (t.cpuMs * 10).toFixed(2);
    lines.push(
      `| ${c.name} | ${c.what} | ${t.cpuMs.toFixed(3)} | ${t.medianMs.toFixed(3)} | ${t.p99Ms.toFixed(3)} | ${perTitle} | ${t.runs} | ${t.result} |`,
    );
  }
  return lines.join("\n") + "\n";
}

function main() {
  const args = process.argv.slice(2);
  const terms = listTerms();
  const cases = allCases(headlines(), terms);
  if (args.includes("--case")) {
    const only = args[args.indexOf("--case") + 1];
    const c = cases.find((x) => x.name === only);
    if (c === undefined) {
      const names = cases.map((x) => x.name).join("\n  ");
      throw new Error(`unknown case ${only}; cases:\n  ${names}`);
    }
    console.log(c.name, time(c, 5000));
    return;
  }
  const started = new Date();
  const rows: [Case, Timing][] = cases.map((c) => {
    const t = time(c);
    console.log(c.name, t.cpuMs.toFixed(3), t.medianMs.toFixed(3));
    return [c, t];
  });
  writeFileSync(resultFile, report(rows, terms, started));
  console.log(`wrote ${path.relative(process.cwd(), resultFile)}`);
}

main();

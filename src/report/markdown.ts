import {
  changedItemsTable,
  changesTable,
  decisionsTable,
  measuresTable,
  removalsTable,
  runLabels,
  topicsTable,
  transitionsTable,
  type Table,
} from "./figures.js";
import type { ReplayReport } from "./model.js";

/** Changed items the markdown lists; the HTML report lists the sample. */
const MARKDOWN_CHANGED_ITEMS = 20;

/**
 * The replay as markdown: what a data scientist pastes into a pull request
 * that changes a policy, so reviewers see what the change does.
 */
export function replayMarkdown(report: ReplayReport): string {
  const sections = [
    heading(report),
    section("Decisions", decisionsTable(report)),
    section("Removals per rule", removalsTable(report)),
    shadowSection(report),
    section(
      "Pushed lists",
      measuresTable(report),
      "Ranker top-k is the ranker's own first `slots` items of each list, unscreened.",
    ),
    section("Topic distribution (share of items)", topicsTable(report)),
    ...changeSections(report),
  ];
  return `${sections.filter((s) => s !== "").join("\n\n")}\n`;
}

function heading(report: ReplayReport): string {
  const policies = runLabels(report).map((label) => `- ${label}`);
  const invalid =
    report.invalidLines > 0
      ? `, ${report.invalidLines} invalid lines skipped`
      : "";
  return [
    `# pushguard replay of ${report.input}`,
    "",
    `${report.requests} requests, ${report.candidates} candidates${invalid}.`,
    "",
    ...policies,
  ].join("\n");
}

function shadowSection(report: ReplayReport): string {
  const table = removalsTable(report, true);
  if (table.rows.length === 0) return "";
  return section("Would drop (shadow rules, not applied)", table);
}

function changeSections(report: ReplayReport): string[] {
  const changes = changesTable(report);
  const transitions = transitionsTable(report);
  const items = changedItemsTable(report, MARKDOWN_CHANGED_ITEMS);
  if (!changes || !transitions || !items) return [];
  const shown = items.rows.length;
  return [
    section("Items whose fate changed", changes),
    section("Changes by first reason", transitions),
    section(
      `First ${shown} items admitted by one policy only`,
      items,
      "The HTML report lists more.",
    ),
  ];
}

function section(title: string, table: Table, note = ""): string {
  const body = table.rows.length === 0 ? "none" : markdownTable(table);
  return [`## ${title}`, "", ...(note ? [note, ""] : []), body].join("\n");
}

/** A GitHub-flavoured table; pipes and newlines in cells are escaped. */
export function markdownTable(table: Table): string {
  const line = (cells: readonly string[]) =>
    `| ${cells.map(escapeCell).join(" | ")} |`;
  const rule = `|${table.header.map(() => " --- ").join("|")}|`;
  return [line(table.header), rule, ...table.rows.map(line)].join("\n");
}

function escapeCell(cell: string): string {
  return cell.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

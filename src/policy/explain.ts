import { isDeepStrictEqual } from "node:util";
import { stringify } from "yaml";
import { surfaceRules, type Policy, type RuleInfo } from "./policy.js";

/** The effective rules of one surface, as `policy explain` shows them. */
export interface Explanation {
  readonly version: string;
  readonly files: readonly string[];
  /** The surface asked for; empty for the base rules. */
  readonly surface: string;
  /** False when the surface is not in the policy and gets the base. */
  readonly listed: boolean;
  readonly slots: number;
  readonly rules: readonly ExplainedRule[];
}

/** One rule as it runs on the surface. */
export interface ExplainedRule extends RuleInfo {
  /** The surface changed the rule's mode or parameters. */
  readonly overridden: boolean;
}

/** Explains what a request on `surface` is decided by. */
export function explainPolicy(policy: Policy, surface = ""): Explanation {
  const rules = surfaceRules(policy, surface);
  const base = new Map(policy.base.ruleInfos.map((info) => [info.id, info]));
  return {
    version: policy.version,
    files: policy.files,
    surface,
    listed: policy.surfaces.has(surface),
    slots: rules.slots,
    rules: rules.ruleInfos.map((info) => ({
      ...info,
      overridden: !isDeepStrictEqual(info, base.get(info.id)),
    })),
  };
}

const COLUMNS = ["#", "id", "type", "article", "mode"] as const;

/** Renders an explanation as aligned text, params under each rule. */
export function formatExplanation(explanation: Explanation): string {
  const rows = explanation.rules.map((rule, index) => [
    `${index + 1}${rule.overridden ? "*" : ""}`,
    rule.id,
    rule.type,
    rule.article,
    rule.mode,
  ]);
  const widths = COLUMNS.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const body = explanation.rules.flatMap((rule, index) => [
    line(rows[index] ?? []),
    `${" ".repeat((widths[0] ?? 0) + 2)}params ${formatParams(rule.params)}`,
  ]);
  return [
    ...header(explanation),
    "",
    line(COLUMNS),
    ...body,
    ...footer(explanation),
  ].join("\n");
}

function header(explanation: Explanation): string[] {
  const { surface, listed, slots } = explanation;
  const where =
    surface === ""
      ? "base rules (no surface)"
      : listed
        ? `surface ${surface}`
        : `surface ${surface} is not in the policy: base rules apply`;
  return [
    `policy  ${explanation.version}`,
    `files   ${explanation.files.join(" extends ")}`,
    `rules   ${where}`,
    `slots   ${slots} when the request sends none`,
  ];
}

function footer(explanation: Explanation): string[] {
  if (!explanation.rules.some((rule) => rule.overridden)) return [];
  return ["", `* changed by surface ${explanation.surface}`];
}

/** Parameters on one line, in YAML flow style. */
function formatParams(params: unknown): string {
  return stringify(params ?? {}, {
    collectionStyle: "flow",
    lineWidth: 0,
  }).trim();
}

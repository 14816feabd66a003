import { z } from "zod";

/**
 * Audits that a parameter schema bounds every number it accepts. A policy
 * is edited by people tuning figures; a typo such as `limit: 80` for `8`
 * must fail validation with the allowed range, not ship. zod's `z.int()`
 * alone only bounds to the safe-integer range, which does not count.
 */
export function unboundedNumbers(schema: z.ZodType): string[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  const found: string[] = [];
  walk(json as JsonNode, "", found);
  return found;
}

interface JsonNode {
  type?: string | string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  properties?: Record<string, JsonNode>;
  items?: JsonNode | JsonNode[];
  prefixItems?: JsonNode[];
  additionalProperties?: JsonNode | boolean;
  anyOf?: JsonNode[];
  oneOf?: JsonNode[];
  allOf?: JsonNode[];
  $defs?: Record<string, JsonNode>;
}

function walk(node: JsonNode, at: string, found: string[]): void {
  if (isNumeric(node) && !(hasLower(node) && hasUpper(node))) {
    found.push(at === "" ? "(root)" : at);
  }
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    walk(child, at === "" ? key : `${at}.${key}`, found);
  }
  for (const child of childrenOf(node))
    walk(child.node, at + child.suffix, found);
  for (const [name, child] of Object.entries(node.$defs ?? {})) {
    walk(child, `$defs.${name}`, found);
  }
}

function childrenOf(node: JsonNode): { node: JsonNode; suffix: string }[] {
  const items = node.items === undefined ? [] : [node.items].flat();
  const extra =
    typeof node.additionalProperties === "object"
      ? [node.additionalProperties]
      : [];
  const variants = [node.anyOf, node.oneOf, node.allOf].flatMap((v) => v ?? []);
  return [
    ...[...items, ...(node.prefixItems ?? [])].map(at("[]")),
    ...extra.map(at(".<key>")),
    ...variants.map(at("")),
  ];
}

const at = (suffix: string) => (node: JsonNode) => ({ node, suffix });

function isNumeric(node: JsonNode): boolean {
  const types = [node.type ?? []].flat();
  return types.includes("number") || types.includes("integer");
}

function hasLower(node: JsonNode): boolean {
  return isRealBound(node.minimum) || isRealBound(node.exclusiveMinimum);
}

function hasUpper(node: JsonNode): boolean {
  return isRealBound(node.maximum) || isRealBound(node.exclusiveMaximum);
}

/** The safe-integer limits that `z.int()` implies are not a chosen range. */
function isRealBound(bound: number | undefined): boolean {
  return bound !== undefined && Math.abs(bound) < Number.MAX_SAFE_INTEGER;
}

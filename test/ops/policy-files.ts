import {
  mkdir,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import { repoRoot } from "../helpers/server.js";

/**
 * The default policy's text, the base every test variant starts from. Its
 * data files (word lists, link lists, the CAC list) are relative to the
 * policy; the text is written elsewhere, so they point back at the repo's.
 */
export async function defaultPolicyText(): Promise<string> {
  const text = await readFile(
    path.join(repoRoot, "policies/default.yaml"),
    "utf8",
  );
  const data = path.join(repoRoot, "policies/data/");
  return text.replace(/(?<=[\s:[,])data\//gu, data);
}

/** The default policy with a comment added: same rules, new version. */
export async function revisedPolicyText(revision: string): Promise<string> {
  return `${await defaultPolicyText()}\n# revision ${revision}\n`;
}

/** YAML that does not parse: an unclosed flow sequence. */
export const BROKEN_POLICY = "name: default\nrules: [\n";

/**
 * Lays out a folder the way a Kubernetes ConfigMap volume does:
 * `default.yaml -> ..data/default.yaml`, `..data -> ..<stamp>/`.
 */
export async function configMapFolder(dir: string, text: string) {
  await writeVersion(dir, "..v1", text);
  await symlink("..v1", path.join(dir, "..data"));
  await symlink("..data/default.yaml", path.join(dir, "default.yaml"));
  return path.join(dir, "default.yaml");
}

/** Updates the ConfigMap folder as the kubelet does: swap `..data`. */
export async function swapConfigMap(dir: string, stamp: string, text: string) {
  const old = await readlinkOf(dir);
  await writeVersion(dir, stamp, text);
  await symlink(stamp, path.join(dir, "..data_tmp"));
  await rename(path.join(dir, "..data_tmp"), path.join(dir, "..data"));
  await rm(path.join(dir, old), { recursive: true });
}

async function writeVersion(dir: string, stamp: string, text: string) {
  await mkdir(path.join(dir, stamp));
  await writeFile(path.join(dir, stamp, "default.yaml"), text);
}

function readlinkOf(dir: string) {
  return readlink(path.join(dir, "..data"));
}

/** Polls until `check` holds; vitest's own timeout bounds the wait. */
export async function eventually(check: () => boolean | Promise<boolean>) {
  while (!(await check())) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

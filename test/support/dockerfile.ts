import fs from 'node:fs';
import path from 'node:path';

/** One instruction of a Dockerfile, continuation lines joined. */
export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
}

export interface DockerStage {
  readonly from: string;
  readonly name: string | null;
  readonly instructions: readonly DockerInstruction[];
}

/** The repository's root (where the Dockerfile is). */
export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Parses the Dockerfile into stages (enough of the syntax for the checks a test can make without Docker). */
export function readDockerfile(file = path.join(repoRoot, 'Dockerfile')): DockerStage[] {
  const joined = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const stages: { from: string; name: string | null; instructions: DockerInstruction[] }[] = [];
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!.trim().replace(/\s+/g, ' ');
    if (keyword === 'FROM') {
      const [image, as, name] = args.split(' ');
      stages.push({ from: image!, name: as?.toUpperCase() === 'AS' ? name! : null, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** The arguments of the stage's instructions with this keyword, in order. */
export const argsOf = (stage: DockerStage, keyword: string): string[] =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

/** An exec-form (`["node", "x"]`) argument list; throws on the shell form, which would not forward signals. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not an exec form: ${args}`);
  return parsed as string[];
}

/** `ENV A=1 B=2` of a stage, as one record. */
export function envOf(stage: DockerStage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of argsOf(stage, 'ENV')) {
    for (const pair of args.split(' ')) {
      const eq = pair.indexOf('=');
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}

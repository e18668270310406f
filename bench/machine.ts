import os from 'node:os';

/** One line naming the machine, printed with every figure: numbers mean little without it. */
export function describeMachine(): string {
  const cpus = os.cpus();
  const memGiB = (os.totalmem() / 1024 ** 3).toFixed(0);
  return `${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length} cores, ${memGiB} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

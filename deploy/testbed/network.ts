import { execFile } from 'node:child_process';
import { mkdirSync, rmdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** cgroup v1 CPU controller, where a host's CPU cap lives (cgroup v2 is tried second). */
const CPU_CGROUP_ROOTS = ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup'];

export interface TestbedHost {
  readonly name: string;
  /** The host's address on the test bed network. */
  readonly ip: string;
  /** Network namespace the host's processes run in. */
  readonly netns: string;
  /** Command prefix that runs a program on this host (in its namespace and CPU cgroup). */
  readonly exec: readonly string[];
}

export interface HostSpec {
  name: string;
  /** Cores this host may use (a CPU cgroup quota), so that several "hosts" share one machine fairly. */
  cpus?: number;
}

/**
 * Hosts on one machine: each host is a network namespace with its own loopback and address, joined to the
 * others by a bridge, with an optional CPU cap. Killing a host kills every process in its namespace; cutting a
 * host off takes its link down, so its peers see silence, not a closed connection.
 */
export class TestbedNetwork {
  readonly #id: string;
  readonly #hosts = new Map<string, TestbedHost & { veth: string; cgroup?: string }>();
  readonly #subnet: string;
  readonly #bridge: string;

  private constructor(id: string, subnetIndex: number) {
    this.#id = id;
    this.#subnet = `10.213.${subnetIndex}`;
    this.#bridge = `shkbr${id}`;
  }

  /** The orchestrator's own address on the bridge: it reaches every host, and hosts reach it. */
  get gatewayIp(): string {
    return `${this.#subnet}.1`;
  }

  static async create(specs: readonly HostSpec[]): Promise<TestbedNetwork> {
    if (process.getuid?.() !== 0) throw new Error('the test bed needs root (network namespaces and cgroups)');
    const id = Math.random().toString(36).slice(2, 6);
    const network = new TestbedNetwork(id, 1 + Math.floor(Math.random() * 250));
    try {
      await ip('link', 'add', network.#bridge, 'type', 'bridge');
      await ip('addr', 'add', `${network.gatewayIp}/24`, 'dev', network.#bridge);
      await ip('link', 'set', network.#bridge, 'up');
      let index = 10;
      for (const spec of specs) await network.#addHost(spec, index++);
    } catch (error) {
      await network.destroy();
      throw error;
    }
    return network;
  }

  host(name: string): TestbedHost {
    const host = this.#hosts.get(name);
    if (!host) throw new Error(`no test bed host ${name}`);
    return host;
  }

  async #addHost(spec: HostSpec, index: number): Promise<void> {
    const netns = `shk-${this.#id}-${spec.name}`;
    const veth = `shk${this.#id}${index}`;
    const ipAddress = `${this.#subnet}.${index}`;
    await ip('netns', 'add', netns);
    let cgroup: string | undefined;
    if (spec.cpus !== undefined)
      cgroup = createCpuCgroup(`shiriki-testbed-${this.#id}-${spec.name}`, spec.cpus);
    const exec = ['ip', 'netns', 'exec', netns];
    this.#hosts.set(spec.name, {
      name: spec.name,
      ip: ipAddress,
      netns,
      veth,
      cgroup,
      // A process joins the host's CPU cgroup before it enters the namespace: `ip netns exec` mounts a sysfs of
      // the namespace's own, without the cgroup hierarchy.
      exec: cgroup
        ? ['sh', '-c', `echo $$ > ${join(cgroup, 'cgroup.procs')} && exec "$@"`, 'sh', ...exec]
        : exec,
    });
    await ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', `${veth}p`);
    await ip('link', 'set', `${veth}p`, 'netns', netns);
    await ip('link', 'set', veth, 'master', this.#bridge);
    await ip('link', 'set', veth, 'up');
    await ip('-n', netns, 'link', 'set', `${veth}p`, 'name', 'eth0');
    await ip('-n', netns, 'addr', 'add', `${ipAddress}/24`, 'dev', 'eth0');
    await ip('-n', netns, 'link', 'set', 'eth0', 'up');
    await ip('-n', netns, 'link', 'set', 'lo', 'up');
  }

  /** Takes the host's link down: its packets go nowhere, and nobody's reach it. */
  async cutOff(name: string): Promise<void> {
    await ip('link', 'set', this.#entry(name).veth, 'down');
  }

  async reconnect(name: string): Promise<void> {
    await ip('link', 'set', this.#entry(name).veth, 'up');
  }

  /** `kill -9` of every process on the host, as a power cut would end them. Returns how many there were. */
  async killHost(name: string): Promise<number> {
    const pids = await this.pids(name);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    return pids.length;
  }

  async pids(name: string): Promise<number[]> {
    const { stdout } = await run('ip', ['netns', 'pids', this.#entry(name).netns]);
    return stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(Number);
  }

  /** CPU seconds used so far by the processes now running on the host (from /proc). */
  async cpuSeconds(name: string): Promise<number> {
    const ticksPerSecond = 100; // USER_HZ on Linux
    let ticks = 0;
    for (const pid of await this.pids(name)) {
      try {
        // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // exited meanwhile
      }
    }
    return ticks / ticksPerSecond;
  }

  /** Changes the host's CPU cap, as if it were moved to a bigger or smaller machine. */
  setCpus(name: string, cpus: number): void {
    const cgroup = this.#entry(name).cgroup;
    if (!cgroup) throw new Error(`host ${name} has no CPU cap`);
    writeCpuQuota(cgroup, cpus);
  }

  /** Kills every host's processes, then removes namespaces, links and cgroups. Idempotent. */
  async destroy(): Promise<void> {
    for (const host of this.#hosts.values()) {
      await this.killHost(host.name).catch(() => 0);
    }
    for (const host of this.#hosts.values()) {
      await ip('netns', 'del', host.netns).catch(() => undefined);
      await ip('link', 'del', host.veth).catch(() => undefined);
      if (host.cgroup) removeCgroup(host.cgroup);
    }
    this.#hosts.clear();
    await ip('link', 'del', this.#bridge).catch(() => undefined);
  }

  #entry(name: string): TestbedHost & { veth: string; cgroup?: string } {
    const host = this.#hosts.get(name);
    if (!host) throw new Error(`no test bed host ${name}`);
    return host;
  }
}

async function ip(...args: string[]): Promise<void> {
  try {
    await run('ip', args);
  } catch (error) {
    throw new Error(`ip ${args.join(' ')} failed: ${(error as { stderr?: string }).stderr?.trim() ?? ''}`, {
      cause: error,
    });
  }
}

const CPU_PERIOD_US = 100_000;

function writeCpuQuota(dir: string, cpus: number): void {
  const quota = String(Math.round(cpus * CPU_PERIOD_US));
  if (existsSync(join(dir, 'cpu.cfs_quota_us'))) {
    writeFileSync(join(dir, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), quota);
  } else {
    writeFileSync(join(dir, 'cpu.max'), `${quota} ${CPU_PERIOD_US}`);
  }
}

function createCpuCgroup(name: string, cpus: number): string {
  for (const rootDir of CPU_CGROUP_ROOTS) {
    if (existsSync(join(rootDir, 'cpu.cfs_quota_us')) || existsSync(join(rootDir, 'cpu.cfs_period_us'))) {
      const dir = join(rootDir, name);
      mkdirSync(dir, { recursive: true });
      writeCpuQuota(dir, cpus);
      return dir;
    }
    if (existsSync(join(rootDir, 'cgroup.controllers'))) {
      const dir = join(rootDir, name);
      mkdirSync(dir, { recursive: true });
      writeCpuQuota(dir, cpus);
      return dir;
    }
  }
  throw new Error('no CPU cgroup controller found (looked in /sys/fs/cgroup/cpu and /sys/fs/cgroup)');
}

function removeCgroup(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // still has a zombie, or is gone already
  }
}

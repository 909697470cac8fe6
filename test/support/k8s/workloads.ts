import { type K8sObject, podSpecOf } from './kustomize';

interface Probe {
  httpGet?: { path: string; port: number | string };
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  env?: Array<{ name: string; value?: string }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  securityContext?: Record<string, unknown>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

/** One kind/name lookup that fails with a clear message instead of returning undefined. */
export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} is not in the rendered manifests`);
  return found;
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}

export function containersOf(workload: K8sObject): Container[] {
  const pod = podSpecOf(workload);
  if (!pod) throw new Error(`${workload.kind}/${workload.metadata.name} has no pod template`);
  return pod.containers;
}

/**
 * The environment a container starts with: its ConfigMaps' and Secrets' data (in envFrom order),
 * then its own `env` entries, which win, the way the kubelet builds it.
 */
export function effectiveEnvironment(
  container: Container,
  sources: { configMaps: K8sObject[]; secrets: K8sObject[] },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const reference = source.configMapRef ?? source.secretRef;
    const pool = source.configMapRef ? sources.configMaps : sources.secrets;
    const object = pool.find((candidate) => candidate.metadata.name === reference?.name);
    if (!object) throw new Error(`container ${container.name} reads ${reference?.name}, which is not defined`);
    Object.assign(env, dataOf(object));
  }
  for (const entry of container.env ?? []) env[entry.name] = entry.value ?? '';
  return env;
}

/** A ConfigMap's data, or a Secret's stringData plus (decoded) data. */
export function dataOf(object: K8sObject): Record<string, string> {
  const encoded = (object.data ?? {}) as Record<string, string>;
  if (object.kind === 'ConfigMap') return { ...encoded };
  const decoded = Object.fromEntries(
    Object.entries(encoded).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]),
  );
  return { ...decoded, ...((object.stringData ?? {}) as Record<string, string>) };
}

/** Whether every label of `selector` is on `labels`. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

export function podLabelsOf(workload: K8sObject): Record<string, string> {
  return (
    (workload.spec as { template: { metadata: { labels?: Record<string, string> } } }).template.metadata.labels ?? {}
  );
}

/** A Kubernetes quantity in base units: cores for "250m"/"2", bytes for "256Mi"/"1G". */
export function quantity(value: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(value));
  if (!match) throw new Error(`"${value}" is not a Kubernetes quantity`);
  const factors: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return Number(match[1]) * (match[2] ? factors[match[2]] : 1);
}
